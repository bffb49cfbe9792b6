package dev.mortar.common.config;

import java.util.List;

/** Tuning knobs of the client service (keys {@code client.*}); see {@link Tunable}. */
public final class ClientTunables {
  private ClientTunables() {}

  public static final List<Tunable> ALL = List.of();
}
