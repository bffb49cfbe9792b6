package dev.mortar.common.acl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mortar.common.brick.BrickException;
import dev.mortar.common.brick.Errno;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ACL rules against what Linux (ext4, setfacl and getfacl) does with the same ACLs. */
class PosixAclTest {
  /** {@code setfacl -m u:1000:rw f} on a 0644 file of ext4, as {@code getfattr -e base64} shows it. */
  private static final byte[] EXT4_NAMED_USER =
      Base64.getDecoder().decode("AgAAAAEABgD/////AgAGAOgDAAAEAAQA/////xAABgD/////IAAEAP////8=");

  private static PosixAcl.Entry e(int tag, int perm, int id) {
    return new PosixAcl.Entry(tag, perm, id);
  }

  private static PosixAcl acl(PosixAcl.Entry... entries) {
    return new PosixAcl(List.of(entries));
  }

  @Test
  void theBinaryFormOfExt4IsReadAndWrittenBackAsItWas() {
    PosixAcl a = PosixAcl.parse(EXT4_NAMED_USER);
    assertEquals(acl(e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.USER, 6, 1000), e(PosixAcl.GROUP_OBJ, 4, -1),
        e(PosixAcl.MASK, 6, -1), e(PosixAcl.OTHER, 4, -1)), a);
    assertArrayEquals(EXT4_NAMED_USER, a.toBytes());
    assertFalse(a.equivalentToMode());
    assertEquals(0100664, a.applyToMode(0100644), "the group bits are the mask's");
  }

  @Test
  void whatIsNotAnAclIsRefusedWithEinval() {
    for (byte[] bad : List.of(new byte[] {2, 0, 0}, new byte[] {3, 0, 0, 0},
        // no mask beside a named user
        acl(e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.USER, 6, 1000), e(PosixAcl.GROUP_OBJ, 4, -1),
            e(PosixAcl.OTHER, 4, -1)).toBytes(),
        // out of order
        acl(e(PosixAcl.GROUP_OBJ, 4, -1), e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.OTHER, 4, -1)).toBytes(),
        // no other entry
        acl(e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.GROUP_OBJ, 4, -1)).toBytes())) {
      BrickException x = assertThrows(BrickException.class, () -> PosixAcl.parse(bad));
      assertEquals(Errno.EINVAL, x.errno());
    }
  }

  @Test
  void chmodSetsTheMaskNotTheOwningGroupAndKeepsNamedEntries() {
    PosixAcl a = PosixAcl.parse(EXT4_NAMED_USER).withMode(0750);
    assertEquals(acl(e(PosixAcl.USER_OBJ, 7, -1), e(PosixAcl.USER, 6, 1000), e(PosixAcl.GROUP_OBJ, 4, -1),
        e(PosixAcl.MASK, 5, -1), e(PosixAcl.OTHER, 0, -1)), a);
    assertEquals(PosixAcl.ofMode(0640), PosixAcl.ofMode(0777).withMode(0640), "without a mask: the owning group");
  }

  @Test
  void aNewFileInheritsTheDefaultAclLimitedByItsCreateModeNotTheUmask() {
    // setfacl -d -m u:1000:rwx dir; touch dir/f (mode 0666): user::rw- user:1000:rwx #effective:rw- mask::rw-
    PosixAcl dflt = acl(e(PosixAcl.USER_OBJ, 7, -1), e(PosixAcl.USER, 7, 1000), e(PosixAcl.GROUP_OBJ, 5, -1),
        e(PosixAcl.MASK, 7, -1), e(PosixAcl.OTHER, 5, -1));
    PosixAcl.Inherited f = dflt.inherit(0100666);
    assertEquals(0100664, f.mode());
    assertEquals(acl(e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.USER, 7, 1000), e(PosixAcl.GROUP_OBJ, 5, -1),
        e(PosixAcl.MASK, 6, -1), e(PosixAcl.OTHER, 4, -1)), f.access());
    PosixAcl.Inherited d = dflt.inherit(040777); // mkdir: the default ACL itself, whole
    assertEquals(040775, d.mode());
    assertEquals(dflt, d.access());
    PosixAcl.Inherited minimal = PosixAcl.ofMode(0750).inherit(0100666);
    assertEquals(0100640, minimal.mode(), "owner rw, group r, other nothing");
    assertNull(minimal.access(), "a default ACL of the mode alone gives the file no ACL");
  }

  @Test
  void aNamedUserEntryDecidesForThatUserWithinTheMask() {
    PosixAcl denies = acl(e(PosixAcl.USER_OBJ, 6, -1), e(PosixAcl.USER, 0, 1000), e(PosixAcl.GROUP_OBJ, 4, -1),
        e(PosixAcl.MASK, 4, -1), e(PosixAcl.OTHER, 4, -1));
    PosixAcl.GroupMembership none = gid -> false;
    assertFalse(denies.permits(1000, none, 50, 4), "user:1000:--- although other may read");
    assertTrue(denies.permits(1001, none, 50, 4), "everyone else is other");
    PosixAcl grants = PosixAcl.parse(EXT4_NAMED_USER).withMode(0640); // mask r--
    assertTrue(grants.permits(1000, none, 50, 4));
    assertFalse(grants.permits(1000, none, 50, 2), "rw- limited to r-- by the mask");
    assertFalse(grants.permits(1001, none, 50, 4), "other: ---");
  }

  @Test
  void groupEntriesDecideForTheirMembersAndShutOutOtherAccess() {
    PosixAcl a = acl(e(PosixAcl.USER_OBJ, 7, -1), e(PosixAcl.GROUP_OBJ, 0, -1), e(PosixAcl.GROUP, 5, 20),
        e(PosixAcl.MASK, 7, -1), e(PosixAcl.OTHER, 4, -1));
    Set<Integer> inOwning = Set.of(50);
    Set<Integer> in20 = Set.of(20, 50);
    assertFalse(a.permits(1000, inOwning::contains, 50, 4), "a member of the owning group: ---, not other's r--");
    assertTrue(a.permits(1000, in20::contains, 50, 5), "group 20 grants r-x");
    assertFalse(a.permits(1000, in20::contains, 50, 2));
    assertTrue(a.permits(1000, gid -> false, 50, 4), "no group of the caller's: other");
  }
}
