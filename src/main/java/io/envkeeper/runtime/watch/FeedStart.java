package io.envkeeper.runtime.watch;

/**
 * Where one run of an environment's change log starts, decided from the sequence's reservation and
 * the workspace's manifest.
 *
 * @param startSeq the log's {@code changeSeq} before its first change; every seq of this run is
 *     above it, and a cursor below it cannot be answered for (OVERFLOW) unless it equals
 *     {@code exactResume}
 * @param exactResume the seq of the manifest the start-up diff compares the tree with: a client
 *     that saw exactly the changes up to it gets exactly what changed since; -1 when there is none
 * @param fresh nothing came before this run (a new environment): there is nothing to diff against
 */
record FeedStart(long startSeq, long exactResume, boolean fresh) {

  /** An environment whose sequence was never used: nothing came before. */
  static final FeedStart FRESH = new FeedStart(0, 0, true);

  static final long NONE = -1;

  /**
   * The start of a run: {@code reservation} is this run's first block, {@code manifest} the header
   * of the manifest found on disk (null: none, or unreadable).
   *
   * <ul>
   *   <li>The manifest was written by an orderly stop at the seq the reservation was given back
   *       to: the previous run ended exactly there, so this one continues from it, gap-free.
   *   <li>Nothing was reserved before (and no orderly stop at 0 says otherwise): a brand-new
   *       environment (a manifest left over from another database is ignored by the caller).
   *   <li>Otherwise (a crash, a stop that could not give back its reservation, no manifest) the
   *       previous run may have handed out any seq up to the top of its reservation: this run
   *       starts above all of it (on a seq it uses up), so every older cursor gets an OVERFLOW,
   *       except one equal to the manifest's seq, for which the diff is exact.
   * </ul>
   */
  static FeedStart of(ChangeSequence sequence, Manifest.Header manifest) {
    ChangeSequences.Reservation first = sequence.firstReservation();
    if (manifest != null && manifest.clean() && manifest.seq() == first.previous()) {
      return new FeedStart(manifest.seq(), manifest.seq(), false);
    }
    if (first.previous() == 0) {
      return FRESH;
    }
    long mark = sequence.skip();
    boolean usable = manifest != null && manifest.seq() <= first.previous();
    return new FeedStart(mark, usable ? manifest.seq() : NONE, false);
  }
}
