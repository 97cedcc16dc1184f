package dev.tern.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a user's keys come from, as written in the user list ({@code users.toml}, later LDAP): one
 * string per user, {@code tern:cryptoroot:<kind>[:<payload>]}, payloads in unpadded base64url.
 *
 * <ul>
 *   <li>{@code tern:cryptoroot:pass} or {@code tern:cryptoroot:pass:<slot salt>}: the
 *       {@link KeyBundle} is in the store, in a {@link PasswordSlot} that the login password
 *       unlocks. The payload, when present, pins the {@link SlotSalt} (Argon2 cost and salt), which
 *       saves a GET of {@code users/<id>/keys/salt} at login and ignores a tampered copy there.
 *   <li>{@code tern:cryptoroot:cleartext:<key bundle>}: the bundle itself, in the user list. For
 *       tests and single-tenant setups where the user list is as well protected as the keys.
 *   <li>{@code tern:cryptoroot:incoming:<public key>}: only the X25519 public key. The server can
 *       deliver mail but never read it: the hardened setup, where the user runs Tern locally as a
 *       companion proxy holding the keys.
 * </ul>
 *
 * <p>Parsing errors are one-line {@link IllegalArgumentException}s that never quote the payload,
 * and a cleartext root's {@code toString} hides its keys; only {@link #format()} reveals them.
 */
public sealed interface CryptoRoot permits CryptoRoot.Pass, CryptoRoot.Cleartext, CryptoRoot.Incoming {

  String PREFIX = "tern:cryptoroot:";

  /** Keys in the store, wrapped by the password; {@code salt} pins the slot salt if present. */
  record Pass(Optional<SlotSalt> salt) implements CryptoRoot {

    public Pass {
      Objects.requireNonNull(salt, "salt");
    }

    /** The slot salt is read from {@code users/<id>/keys/salt}. */
    public static Pass inStore() {
      return new Pass(Optional.empty());
    }

    /** The slot salt is the one given here. */
    public static Pass pinned(SlotSalt salt) {
      return new Pass(Optional.of(salt));
    }

    @Override
    public String toString() {
      return format();
    }
  }

  /** The key bundle itself; {@link #toString()} does not show it. */
  record Cleartext(KeyBundle keys) implements CryptoRoot {

    public Cleartext {
      Objects.requireNonNull(keys, "keys");
    }

    @Override
    public String toString() {
      return PREFIX + "cleartext:[redacted, public key " + keys.publicKey() + "]";
    }
  }

  /** Only the public key: mail can be delivered, never read. */
  record Incoming(X25519PublicKey publicKey) implements CryptoRoot {

    public Incoming {
      Objects.requireNonNull(publicKey, "publicKey");
    }

    @Override
    public String toString() {
      return format();
    }
  }

  /**
   * Parses a crypto-root string.
   *
   * @throws IllegalArgumentException with a one-line reason that never quotes the payload
   */
  static CryptoRoot parse(String text) {
    Objects.requireNonNull(text, "text");
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a crypto root: expected " + PREFIX + "<pass|cleartext|incoming>[:<base64url>]");
    }
    String rest = text.substring(PREFIX.length());
    int colon = rest.indexOf(':');
    String kind = colon < 0 ? rest : rest.substring(0, colon);
    String payload = colon < 0 ? null : rest.substring(colon + 1);
    switch (kind) {
      case "pass" -> {
        if (payload == null) {
          return Pass.inStore();
        }
        byte[] bytes = base64url(payload, "pass");
        try {
          return Pass.pinned(SlotSalt.fromBytes(bytes));
        } catch (CryptoException e) {
          throw new IllegalArgumentException("bad pass crypto root: " + e.getMessage());
        }
      }
      case "cleartext" -> {
        byte[] bytes = base64url(required(payload, kind), kind);
        try {
          return new Cleartext(KeyBundle.fromBytes(bytes));
        } catch (CryptoException e) {
          throw new IllegalArgumentException("bad cleartext crypto root: " + e.getMessage());
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
      case "incoming" -> {
        byte[] bytes = base64url(required(payload, kind), kind);
        if (bytes.length != X25519PublicKey.LENGTH) {
          throw new IllegalArgumentException("bad incoming crypto root: a public key is " + X25519PublicKey.LENGTH
              + " bytes, not " + bytes.length);
        }
        return new Incoming(new X25519PublicKey(bytes));
      }
      default -> throw new IllegalArgumentException("unknown crypto root kind"
          + (kind.matches("[a-z0-9-]{1,20}") ? " '" + kind + "'" : "") + ": expected pass, cleartext or incoming");
    }
  }

  /** The string form, which {@link #parse} reads back. For a cleartext root it contains the keys. */
  default String format() {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return switch (this) {
      case Pass pass -> PREFIX + "pass" + pass.salt().map(s -> ":" + b64.encodeToString(s.toBytes())).orElse("");
      case Cleartext cleartext -> {
        byte[] bytes = cleartext.keys().toBytes();
        try {
          yield PREFIX + "cleartext:" + b64.encodeToString(bytes);
        } finally {
          Arrays.fill(bytes, (byte) 0);
        }
      }
      case Incoming incoming -> PREFIX + "incoming:" + b64.encodeToString(incoming.publicKey().internal());
    };
  }

  /** The public key, when the root itself holds it (a pass root's is in the store, at {@code keys/public}). */
  default Optional<X25519PublicKey> embeddedPublicKey() {
    return switch (this) {
      case Pass pass -> Optional.empty();
      case Cleartext cleartext -> Optional.of(cleartext.keys().publicKey());
      case Incoming incoming -> Optional.of(incoming.publicKey());
    };
  }

  /** Whether a server holding this root can read the user's mail (given the password, for a pass root). */
  default boolean canRead() {
    return switch (this) {
      case Pass pass -> true;
      case Cleartext cleartext -> true;
      case Incoming incoming -> false;
    };
  }

  private static String required(String payload, String kind) {
    if (payload == null || payload.isEmpty()) {
      throw new IllegalArgumentException("bad " + kind + " crypto root: missing :<base64url> payload");
    }
    return payload;
  }

  private static byte[] base64url(String payload, String kind) {
    if (!payload.matches("[A-Za-z0-9_-]{2,1000}") || payload.length() % 4 == 1) {
      throw new IllegalArgumentException("bad " + kind + " crypto root: payload is not unpadded base64url");
    }
    byte[] bytes = Base64.getUrlDecoder().decode(payload);
    // The decoder ignores stray low bits in the last character; accept only the canonical spelling.
    if (!Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(payload)) {
      Arrays.fill(bytes, (byte) 0);
      throw new IllegalArgumentException("bad " + kind + " crypto root: payload is not canonical base64url");
    }
    return bytes;
  }
}
