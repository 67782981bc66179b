-- Every change of an environment row is announced on the channel envkeeper_environment (payload:
-- the row's id) when its transaction commits, whichever node or statement made it (entity saves,
-- the activity flush, a node's retirement). Nodes keep READY rows in memory for status polls and
-- drop a row on this notification, so a change made anywhere reaches every node's next read
-- without each read going to the database. Notifications of one transaction with the same payload
-- are folded into one by PostgreSQL.
CREATE FUNCTION envkeeper_environment_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('envkeeper_environment', OLD.id::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER environment_changed
    AFTER UPDATE OR DELETE ON environment
    FOR EACH ROW EXECUTE FUNCTION envkeeper_environment_changed();
