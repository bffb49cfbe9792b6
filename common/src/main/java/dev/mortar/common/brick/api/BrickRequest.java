package dev.mortar.common.brick.api;

import io.vertx.core.Future;

/**
 * One brick operation's request (a record in {@link Requests}); {@code R} is its reply (a record in {@link Replies}).
 * The brick's endpoint hands a decoded request to its {@link BrickApi} with {@link #applyTo}, so that each
 * operation reaches its own typed method.
 */
public interface BrickRequest<R> {
  Future<R> applyTo(BrickApi brick);
}
