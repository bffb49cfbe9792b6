package dev.mortar.common.config;

/**
 * Every setting of {@code mortar node}. Each is read, in rising precedence, from its default, the properties file
 * ({@code config/mortar.properties}, key = {@link #key}), the environment ({@link #env}) and the command line
 * ({@link #flag}). {@code mortar node --help} is generated from this list.
 */
public enum Setting {
  CONFIG("config", "config", "/etc/mortar/mortar.properties", "FILE",
      "properties file with these settings (keys as in config/mortar.properties)"),
  HOST("host", "node.host", "", "HOST",
      "name or address this node binds its cluster ports to and is known by in the pool (empty: first non-loopback IPv4)"),
  STATE_DIR("state-dir", "node.state-dir", "/var/lib/mortar", "DIR",
      "directory for the node's UUID and its copy of the pool and volume definitions"),
  ADMIN_BIND("admin-bind", "admin.bind", "0.0.0.0", "ADDR",
      "address the HTTP admin API and /metrics listen on"),
  ADMIN_PORT("admin-port", "admin.port", "24007", "PORT", "port of the HTTP admin API and /metrics"),
  CLUSTER_PORT("cluster-port", "cluster.port", "24008", "PORT", "Hazelcast membership port (TCP)"),
  EVENTBUS_PORT("eventbus-port", "eventbus.port", "24009", "PORT", "Vert.x event-bus port (TCP) that bricks and clients talk over"),
  LOG_LEVEL("log-level", "log.level", "INFO", "LEVEL", "log level: SEVERE, WARNING, INFO, FINE"),
  // Object store of this node's HOST:s3://BUCKET/PREFIX bricks: never part of a volume definition, never printed.
  S3_ENDPOINT("s3-endpoint", "s3.endpoint", "", "URL", "S3/MinIO endpoint for s3:// bricks served by this node, e.g. http://minio:9000"),
  S3_ACCESS_KEY("s3-access-key", "s3.access-key", "", "KEY", "access key for the S3 endpoint (prefer the environment variable)"),
  S3_SECRET_KEY("s3-secret-key", "s3.secret-key", "", "SECRET", "secret key for the S3 endpoint (prefer the environment variable)"),
  S3_REGION("s3-region", "s3.region", "us-east-1", "REGION", "region sent to the S3 endpoint");

  private final String flagName;
  public final String key;
  public final String defaultValue;
  public final String label;
  public final String description;

  Setting(String flagName, String key, String defaultValue, String label, String description) {
    this.flagName = flagName;
    this.key = key;
    this.defaultValue = defaultValue;
    this.label = label;
    this.description = description;
  }

  /** Command-line flag, e.g. {@code --state-dir}. */
  public String flag() {
    return "--" + flagName;
  }

  /** Environment variable, e.g. {@code MORTAR_STATE_DIR}. */
  public String env() {
    return "MORTAR_" + flagName.replace('-', '_').toUpperCase(java.util.Locale.ROOT);
  }
}
