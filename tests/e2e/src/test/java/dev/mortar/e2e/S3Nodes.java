package dev.mortar.e2e;

import dev.mortar.brick.storage.s3.S3Config;
import dev.mortar.common.config.Setting;
import java.util.Map;

/** What a node needs in its environment to serve bricks from an object store. */
final class S3Nodes {
  private S3Nodes() {}

  /** The MORTAR_S3_* settings of the store {@code c}. */
  static Map<String, String> environment(S3Config c) {
    return Map.of(Setting.S3_ENDPOINT.env(), c.endpoint(), Setting.S3_ACCESS_KEY.env(), c.accessKey(),
        Setting.S3_SECRET_KEY.env(), c.secretKey());
  }
}
