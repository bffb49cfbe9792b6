package dev.mortar.common.api;

/**
 * Requests a node's self-heal service answers on {@link Addresses#healer}: JSON {@code {"op": NAME, "volumeId": id}}.
 */
public enum HealerOp {
  /** Is the service running? Reply {@code {"pid": n}}. */
  STATUS,
  /** Crawl the whole volume once, healing every difference, not only what the heal index names. Replies at once. */
  FULL
}
