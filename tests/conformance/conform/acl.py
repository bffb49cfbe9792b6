"""POSIX ACLs as the kernel keeps them in system.posix_acl_access / system.posix_acl_default (no setfacl needed)."""

import struct

XATTR = {"access": "system.posix_acl_access", "default": "system.posix_acl_default"}
VERSION = 2
USER_OBJ, USER, GROUP_OBJ, GROUP, MASK, OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
UNDEFINED_ID = 0xFFFFFFFF
_TAGS = {USER_OBJ: "user::", USER: "user:", GROUP_OBJ: "group::", GROUP: "group:", MASK: "mask::", OTHER: "other::"}


def encode(perms, named):
    """An ACL: owner, group, other (perms[0:3]), the named entries (perms[3:]) and a mask if there are any."""
    entries = [(USER_OBJ, perms[0], UNDEFINED_ID), (GROUP_OBJ, perms[1], UNDEFINED_ID),
               (OTHER, perms[2], UNDEFINED_ID)]
    for k, (kind, ident) in enumerate(named):
        entries.append((USER if kind == "user" else GROUP, perms[3 + k], ident))
    if named:
        entries.append((MASK, perms[5], UNDEFINED_ID))
    entries.sort(key=lambda e: (e[0], e[2]))
    return struct.pack("<I", VERSION) + b"".join(struct.pack("<HHI", *e) for e in entries)


def decode(blob):
    """getfacl's words for an ACL, in the kernel's order: ['user::rw-', 'user:1234:r--', ...]."""
    (version,) = struct.unpack_from("<I", blob)
    out = ["version %d" % version] if version != VERSION else []
    for off in range(4, len(blob), 8):
        tag, perm, ident = struct.unpack_from("<HHI", blob, off)
        who = _TAGS.get(tag, "tag%d:" % tag)
        if tag in (USER, GROUP):
            who += "%d:" % ident
        out.append(who + "".join(c if perm & b else "-" for c, b in (("r", 4), ("w", 2), ("x", 1))))
    return out
