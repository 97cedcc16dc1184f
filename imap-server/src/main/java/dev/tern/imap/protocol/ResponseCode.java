package dev.tern.imap.protocol;

import java.util.List;

/** A response code, the bracketed part of a status response ({@code [UIDNEXT 42]}). */
public sealed interface ResponseCode {

  /** Codes without arguments, written as their name with {@code _} turned into {@code -}. */
  enum Basic implements ResponseCode {
    ALERT, PARSE, READ_ONLY, READ_WRITE, TRYCREATE, NOMODSEQ, CLOSED, NONEXISTENT, ALREADYEXISTS,
    TOOBIG, UNAVAILABLE, CANNOT, SERVERBUG, CLIENTBUG, LIMIT, INUSE, EXPUNGEISSUED, NOPERM,
    AUTHENTICATIONFAILED, AUTHORIZATIONFAILED, CONTACTADMIN, CORRUPTION, OVERQUOTA, PRIVACYREQUIRED,
    UIDNOTSTICKY;

    public String wireName() {
      return name().replace('_', '-');
    }
  }

  record UidValidity(long value) implements ResponseCode {}

  record UidNext(long value) implements ResponseCode {}

  record Unseen(long seq) implements ResponseCode {}

  record HighestModSeq(long value) implements ResponseCode {}

  /** {@code [PERMANENTFLAGS (\Seen … \*)]}; {@code anyKeyword} adds {@code \*}. */
  record PermanentFlags(List<Flag> flags, boolean anyKeyword) implements ResponseCode {
    public PermanentFlags {
      flags = List.copyOf(flags);
    }
  }

  record Capability(List<String> capabilities) implements ResponseCode {
    public Capability {
      capabilities = List.copyOf(capabilities);
    }
  }

  record BadCharset(List<String> supported) implements ResponseCode {
    public static final BadCharset UTF8_US_ASCII = new BadCharset(List.of("UTF-8", "US-ASCII"));

    public BadCharset {
      supported = List.copyOf(supported);
    }
  }

  record AppendUid(long uidValidity, long uid) implements ResponseCode {}

  record CopyUid(long uidValidity, SequenceSet source, SequenceSet destination) implements ResponseCode {}

  /** CONDSTORE: the messages a conditional STORE did not change. */
  record Modified(SequenceSet set) implements ResponseCode {}
}
