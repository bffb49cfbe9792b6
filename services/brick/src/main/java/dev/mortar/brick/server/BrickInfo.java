package dev.mortar.brick.server;

/**
 * Which brick is served: names for the logs and the metrics' tags, and what STATUS tells about it.
 *
 * @param location a directory, or {@code s3://BUCKET/PREFIX}
 * @param port     the node's event-bus port, which is where this brick is reached
 */
public record BrickInfo(String volumeName, String brickName, String location, int port) {
}
