package dev.mortar.common.api;

/**
 * Operations of a brick service at {@link Addresses#brick}, sent as the {@code op} header.
 * (The file protocol is added with the brick service's storage.)
 */
public enum BrickOp {
  /** Is the brick online? Reply {@code {"online":true,"pid":..,"port":..,"path":..}}. */
  STATUS;

  public static final String HEADER = "op";
}
