-- The change feed's high-water mark per environment: the highest change seq a node may have handed
-- out. A node reserves a block at a time (reserved = reserved + block) and hands the numbers out
-- from memory, so there is one write per block, not one per change. After a crash the next run
-- starts above the whole reservation, so a seq never repeats; an orderly stop gives back what it
-- did not use (reserved = the last seq handed out), so the sequence continues without a gap.
CREATE TABLE change_sequence (
    environment_id uuid   PRIMARY KEY REFERENCES environment (id),
    reserved       bigint NOT NULL,
    CONSTRAINT change_sequence_reserved_ck CHECK (reserved >= 0)
);

-- Environments that existed before this table had a sequence that restarted at 1 on every start
-- of the service, so their clients may hold any small number: they start above a million, where
-- no such cursor can reach, and a cursor from before is answered with an OVERFLOW, never an empty
-- list.
INSERT INTO change_sequence (environment_id, reserved)
SELECT id, 1000000 FROM environment WHERE status <> 'DESTROYED';
