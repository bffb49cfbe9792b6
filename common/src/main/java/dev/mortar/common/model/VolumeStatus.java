package dev.mortar.common.model;

/** A volume's life cycle, with GlusterFS's words. */
public enum VolumeStatus {
  Created, Started, Stopped
}
