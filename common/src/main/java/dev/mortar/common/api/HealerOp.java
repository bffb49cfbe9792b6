package dev.mortar.common.api;

/**
 * Requests a node's self-heal service answers on {@link Addresses#healer}: JSON {@code {"op": NAME, "volumeId": id}}.
 */
public enum HealerOp {
  /** Is the service running? Reply {@code {"pid": n}}. */
  STATUS,
  /** Crawl the whole volume once, healing every difference, not only what the heal index names. Replies at once. */
  FULL,
  /**
   * Resolve a split-brain: {@code path} (absent: every file in split-brain), {@code policy} (bigger-file,
   * latest-mtime, source-brick, or an option value: size, mtime, ctime, majority), {@code source} (brick index, for
   * source-brick). Replies {@code message} when done; fails with GlusterFS's words when the policy cannot choose.
   */
  RESOLVE
}
