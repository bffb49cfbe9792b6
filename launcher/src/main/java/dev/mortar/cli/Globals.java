package dev.mortar.cli;

import java.util.Map;

/**
 * The global options in effect for one command: those given on its line over those the session started with.
 *
 * @param remoteHost node to ask, {@code HOST[:PORT]}
 * @param json       print the API's JSON instead of text
 * @param script     never ask for confirmation ({@code --mode=script})
 */
public record Globals(String remoteHost, boolean json, boolean script) {
  public static final String REMOTE_HOST_ENV = "MORTAR_REMOTE_HOST";

  /** What a command starts from: {@code localhost}, or {@code MORTAR_REMOTE_HOST} when set. */
  public static Globals fromEnvironment(Map<String, String> env) {
    String host = env.get(REMOTE_HOST_ENV);
    return new Globals(host == null || host.isBlank() ? "localhost" : host.trim(), false, false);
  }

  /** These globals overridden by options given on a command line (null/false: not given). */
  public Globals with(String remoteHost, boolean json, boolean script) {
    return new Globals(remoteHost != null ? remoteHost : this.remoteHost, json || this.json, script || this.script);
  }
}
