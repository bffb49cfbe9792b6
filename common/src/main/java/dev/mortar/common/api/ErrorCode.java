package dev.mortar.common.api;

/**
 * Failure codes of management requests, carried as the failure code of an event-bus reply and mapped one to one
 * onto the HTTP status of the admin API.
 */
public enum ErrorCode {
  /** The request itself is wrong: bad arguments, malformed JSON, an invalid option value. */
  BAD_REQUEST(400),
  /** The volume does not let this client in ({@code auth.allow}). */
  FORBIDDEN(403),
  /** The named volume, peer or option does not exist. */
  NOT_FOUND(404),
  /** The request contradicts the current state: volume exists, already started, peer holds bricks. */
  CONFLICT(409),
  /** A peer or a majority of the pool cannot be reached right now; retrying later may work. */
  UNAVAILABLE(503),
  /** A bug or an unexpected I/O failure on a node. */
  INTERNAL(500);

  public final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public static ErrorCode ofHttpStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.httpStatus == status) {
        return c;
      }
    }
    return INTERNAL;
  }
}
