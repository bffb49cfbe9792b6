package dev.mortar.common.brick;

/** A brick operation failed with an errno; the message names the file and says why. */
public final class BrickException extends RuntimeException {
  private final Errno errno;

  public BrickException(Errno errno, String message) {
    super(message, null, false, false);
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }

  @Override
  public String toString() {
    return errno + ": " + getMessage();
  }
}
