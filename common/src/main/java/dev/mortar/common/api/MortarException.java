package dev.mortar.common.api;

import io.vertx.core.eventbus.ReplyException;

/** A failure a person can act on: a code that says what kind, and a message that says what to do. */
public class MortarException extends RuntimeException {
  private final ErrorCode code;

  public MortarException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static MortarException badRequest(String message) {
    return new MortarException(ErrorCode.BAD_REQUEST, message);
  }

  public static MortarException forbidden(String message) {
    return new MortarException(ErrorCode.FORBIDDEN, message);
  }

  public static MortarException notFound(String message) {
    return new MortarException(ErrorCode.NOT_FOUND, message);
  }

  public static MortarException conflict(String message) {
    return new MortarException(ErrorCode.CONFLICT, message);
  }

  public static MortarException unavailable(String message) {
    return new MortarException(ErrorCode.UNAVAILABLE, message);
  }

  /** Recovers a Mortar failure from whatever an event-bus request or a future failed with. */
  public static MortarException from(Throwable t) {
    if (t instanceof MortarException m) {
      return m;
    }
    if (t instanceof ReplyException r) {
      return switch (r.failureType()) {
        case RECIPIENT_FAILURE -> new MortarException(ErrorCode.ofHttpStatus(r.failureCode()), r.getMessage());
        case TIMEOUT, NO_HANDLERS -> unavailable("the node did not answer (" + r.failureType().name().toLowerCase()
            + "); check that it is running and reachable");
        default -> new MortarException(ErrorCode.INTERNAL, String.valueOf(r.getMessage()));
      };
    }
    return new MortarException(ErrorCode.INTERNAL, t.getClass().getSimpleName() + ": " + t.getMessage());
  }
}
