package dev.mortar.mgmt.http;

import dev.mortar.common.model.PoolState;
import dev.mortar.common.model.VolumeStatus;
import dev.mortar.mgmt.pool.MgmtContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/** The management service's {@code mortar_*} metrics. Registered once per process; they read the current node. */
public final class MgmtMetrics {
  private final MeterRegistry registry;

  public MgmtMetrics(MeterRegistry registry, Supplier<MgmtContext> current) {
    this.registry = registry;
    Gauge.builder("mortar_peers_connected", () -> withState(current, (c, s) -> s.members().stream()
            .filter(p -> !p.uuid().equals(c.uuid()) && c.peers().isConnected(p.uuid())).count()))
        .description("Peers (this node excluded) heard from in the last 3 s").register(registry);
    Gauge.builder("mortar_peers", () -> withState(current, (c, s) -> s.members().size() - 1))
        .description("Peers in the pool (this node excluded)").register(registry);
    Gauge.builder("mortar_pool_generation", () -> withState(current, (c, s) -> s.generation()))
        .description("Generation of this node's copy of the pool state").register(registry);
    for (VolumeStatus st : VolumeStatus.values()) {
      Gauge.builder("mortar_volumes", () -> withState(current, (c, s) -> s.volumes().stream()
              .filter(v -> v.status() == st).count()))
          .tag("state", st.name()).description("Volumes by state").register(registry);
    }
  }

  private static double withState(Supplier<MgmtContext> current,
                                  java.util.function.BiFunction<MgmtContext, PoolState, Number> f) {
    MgmtContext c = current.get();
    return c == null ? Double.NaN : f.apply(c, c.state().current()).doubleValue();
  }

  /** Counts one admin API request. */
  public void adminRequest(String endpoint, int status, long nanos) {
    String outcome = status < 400 ? "success" : status < 500 ? "client_error" : "server_error";
    Counter.builder("mortar_admin_requests_total").description("Admin API requests")
        .tag("endpoint", endpoint).tag("outcome", outcome).register(registry).increment();
    Timer.builder("mortar_admin_request_seconds").description("Admin API latency").tag("endpoint", endpoint)
        .register(registry).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

}
