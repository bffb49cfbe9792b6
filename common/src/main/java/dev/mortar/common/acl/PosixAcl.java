package dev.mortar.common.acl;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A POSIX.1e access control list in the binary form of the {@code system.posix_acl_access} and
 * {@code system.posix_acl_default} attributes (version 2, little-endian entries of tag, permissions and id), with the
 * rules Linux applies to it: how it and the mode follow each other, what a new file inherits, whom it lets in.
 */
public record PosixAcl(List<Entry> entries) {
  public static final int USER_OBJ = 0x01;
  public static final int USER = 0x02;
  public static final int GROUP_OBJ = 0x04;
  public static final int GROUP = 0x08;
  public static final int MASK = 0x10;
  public static final int OTHER = 0x20;
  private static final int VERSION = 2;
  private static final int UNDEFINED_ID = -1;
  private static final int HEADER = 4;
  private static final int ENTRY = 8;

  /** One entry: its tag, permissions (rwx as 4, 2, 1) and, for a named user or group, its id. */
  public record Entry(int tag, int perm, int id) {}

  public PosixAcl {
    entries = List.copyOf(entries);
  }

  /** Parses and checks an attribute's value as Linux's {@code posix_acl_valid} does: EINVAL if it is not an ACL. */
  public static PosixAcl parse(byte[] value) {
    if (value.length < HEADER || (value.length - HEADER) % ENTRY != 0) {
      throw invalid("its size is not that of an ACL");
    }
    ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getInt() != VERSION) {
      throw invalid("unknown version");
    }
    List<Entry> entries = new ArrayList<>();
    while (b.hasRemaining()) {
      int tag = b.getShort() & 0xffff;
      int perm = b.getShort() & 0xffff;
      int id = b.getInt();
      boolean named = tag == USER || tag == GROUP;
      entries.add(new Entry(tag, perm, named ? id : UNDEFINED_ID));
    }
    PosixAcl acl = new PosixAcl(entries);
    acl.check();
    return acl;
  }

  private void check() {
    int prevTag = 0;
    long prevId = Long.MIN_VALUE;
    int seen = 0;
    boolean named = false;
    for (Entry e : entries) {
      if (e.perm() < 0 || e.perm() > 7) {
        throw invalid("permissions beyond rwx");
      }
      if (e.tag() != USER_OBJ && e.tag() != USER && e.tag() != GROUP_OBJ && e.tag() != GROUP && e.tag() != MASK
          && e.tag() != OTHER) {
        throw invalid("unknown tag " + e.tag());
      }
      long id = Integer.toUnsignedLong(e.id());
      if (e.tag() < prevTag || (e.tag() == prevTag && (e.tag() != USER && e.tag() != GROUP || id <= prevId))) {
        throw invalid("entries out of order or repeated");
      }
      named |= e.tag() == USER || e.tag() == GROUP;
      seen |= e.tag();
      prevTag = e.tag();
      prevId = id;
    }
    if ((seen & (USER_OBJ | GROUP_OBJ | OTHER)) != (USER_OBJ | GROUP_OBJ | OTHER) || named && (seen & MASK) == 0) {
      throw invalid("an owner, owning group and other entry are needed, and a mask with named entries");
    }
  }

  private static BrickException invalid(String why) {
    return new BrickException(Errno.EINVAL, "not a POSIX ACL: " + why);
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(VERSION);
    for (Entry e : entries) {
      b.putShort((short) e.tag()).putShort((short) e.perm()).putInt(e.id());
    }
    return b.array();
  }

  /** The minimal ACL of a mode: owner, owning group and other. */
  public static PosixAcl ofMode(int mode) {
    return new PosixAcl(List.of(new Entry(USER_OBJ, (mode >> 6) & 7, UNDEFINED_ID),
        new Entry(GROUP_OBJ, (mode >> 3) & 7, UNDEFINED_ID), new Entry(OTHER, mode & 7, UNDEFINED_ID)));
  }

  /** Whether the mode says all of it (no named entry, no mask): such an access ACL is not kept, as on ext4. */
  public boolean equivalentToMode() {
    return entries.stream().allMatch(e -> e.tag() == USER_OBJ || e.tag() == GROUP_OBJ || e.tag() == OTHER);
  }

  /**
   * The permission bits of {@code mode} as this access ACL sets them: owner and other from their entries, the
   * group bits from the mask (the owning group's entry where there is no mask); the rest of {@code mode} is kept.
   */
  public int applyToMode(int mode) {
    int bits = 0;
    Entry group = find(MASK);
    for (Entry e : entries) {
      if (e.tag() == USER_OBJ) {
        bits |= e.perm() << 6;
      } else if (e.tag() == OTHER) {
        bits |= e.perm();
      }
    }
    bits |= (group != null ? group.perm() : find(GROUP_OBJ).perm()) << 3;
    return (mode & ~0777) | bits;
  }

  /** After chmod: owner, mask (or owning group) and other entries take the new mode's bits; named entries stay. */
  public PosixAcl withMode(int mode) {
    boolean hasMask = find(MASK) != null;
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      int perm = switch (e.tag()) {
        case USER_OBJ -> (mode >> 6) & 7;
        case OTHER -> mode & 7;
        case MASK -> (mode >> 3) & 7;
        case GROUP_OBJ -> hasMask ? e.perm() : (mode >> 3) & 7;
        default -> e.perm();
      };
      out.add(new Entry(e.tag(), perm, e.id()));
    }
    return new PosixAcl(out);
  }

  /**
   * What a new file gets in a directory with this default ACL (POSIX.1e, Linux's {@code posix_acl_create}): the
   * umask is not applied; the file's access ACL is this one with the owner, mask (or owning group) and other
   * entries limited by the create mode, and its mode follows from it. {@code access} is null where the mode says
   * it all.
   */
  public Inherited inherit(int createMode) {
    int mode = createMode & 0777;
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      int perm = switch (e.tag()) {
        case USER_OBJ -> e.perm() & (mode >> 6);
        case OTHER -> e.perm() & mode;
        default -> e.perm();
      };
      out.add(new Entry(e.tag(), perm, e.id()));
    }
    int groupTag = find(MASK) != null ? MASK : GROUP_OBJ;
    out.replaceAll(e -> e.tag() == groupTag ? new Entry(e.tag(), e.perm() & (mode >> 3), e.id()) : e);
    PosixAcl access = new PosixAcl(out);
    int newMode = access.applyToMode(createMode);
    return new Inherited(newMode, access.equivalentToMode() ? null : access);
  }

  /** A new file's mode and access ACL (null where it has none beyond its mode). */
  public record Inherited(int mode, PosixAcl access) {}

  /**
   * Whether this access ACL grants {@code want} (rwx bits) to a caller who is not the file's owner (the owner is
   * decided by the mode alone), as Linux's {@code posix_acl_permission}: a named-user entry decides for that user,
   * limited by the mask; else the first entry of the caller's groups that grants it decides, limited by the mask;
   * a caller in some listed group that none of them grants is refused; else the other entry decides.
   */
  public boolean permits(int uid, GroupMembership groups, int fileGid, int want) {
    Entry mask = find(MASK);
    int maskPerm = mask == null ? 7 : mask.perm();
    boolean inGroup = false;
    for (Entry e : entries) {
      switch (e.tag()) {
        case USER:
          if (e.id() == uid) {
            return (e.perm() & maskPerm & want) == want;
          }
          break;
        case GROUP_OBJ:
        case GROUP:
          if (groups.contains(e.tag() == GROUP_OBJ ? fileGid : e.id())) {
            inGroup = true;
            if ((e.perm() & want) == want) {
              return (e.perm() & maskPerm & want) == want;
            }
          }
          break;
        default:
          break;
      }
    }
    return !inGroup && (find(OTHER).perm() & want) == want;
  }

  /** The groups a caller is in: asked only where the answer matters (reading them may cost a file read). */
  @FunctionalInterface
  public interface GroupMembership {
    boolean contains(int gid);
  }

  private Entry find(int tag) {
    for (Entry e : entries) {
      if (e.tag() == tag) {
        return e;
      }
    }
    return null;
  }
}
