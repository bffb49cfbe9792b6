package dev.mortar.brick.storage.s3;

import dev.mortar.common.config.NodeConfig;
import dev.mortar.common.config.Setting;

/**
 * Where this node's {@code s3://} bricks live and how it signs in: from the node's settings only, never from a
 * volume definition. {@link #toString} leaves endpoint and keys out: neither is ever printed or logged.
 */
public record S3Config(String endpoint, String accessKey, String secretKey, String region) {
  public static S3Config of(NodeConfig c) {
    return new S3Config(c.get(Setting.S3_ENDPOINT), c.get(Setting.S3_ACCESS_KEY), c.get(Setting.S3_SECRET_KEY),
        c.get(Setting.S3_REGION));
  }

  public boolean configured() {
    return endpoint != null && !endpoint.isBlank();
  }

  /** Fails with what to set when this node cannot serve s3:// bricks. */
  public void requireConfigured(String brickName) {
    if (!configured()) {
      throw new IllegalStateException("brick " + brickName + " is on S3 but this node has no object store"
          + " configured; start it with " + Setting.S3_ENDPOINT.flag() + " (or " + Setting.S3_ENDPOINT.env() + ") and "
          + Setting.S3_ACCESS_KEY.env() + " / " + Setting.S3_SECRET_KEY.env());
    }
  }

  @Override
  public String toString() {
    return "S3Config[region=" + region + ", endpoint and keys hidden]";
  }
}
