package dev.mortar.common.acl;

/**
 * The extended attribute namespaces a volume keeps, as ext4 does: {@code user.*}, {@code trusted.*} (root's),
 * {@code security.*}, and the POSIX ACLs {@code system.posix_acl_access} and {@code system.posix_acl_default}.
 */
public final class XattrNames {
  public static final String USER = "user.";
  public static final String TRUSTED = "trusted.";
  public static final String SECURITY = "security.";
  public static final String ACL_ACCESS = "system.posix_acl_access";
  public static final String ACL_DEFAULT = "system.posix_acl_default";

  private XattrNames() {}

  /** A name in a namespace the volume keeps, with something after the prefix. */
  public static boolean supported(String name) {
    return name.equals(ACL_ACCESS) || name.equals(ACL_DEFAULT) || prefixed(name, USER) || prefixed(name, TRUSTED)
        || prefixed(name, SECURITY);
  }

  public static boolean isUser(String name) {
    return name.startsWith(USER);
  }

  public static boolean isTrusted(String name) {
    return name.startsWith(TRUSTED);
  }

  public static boolean isAcl(String name) {
    return name.equals(ACL_ACCESS) || name.equals(ACL_DEFAULT);
  }

  private static boolean prefixed(String name, String prefix) {
    return name.startsWith(prefix) && name.length() > prefix.length();
  }
}
