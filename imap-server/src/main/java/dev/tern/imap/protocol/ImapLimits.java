package dev.tern.imap.protocol;

/**
 * Framing limits, validated once.
 *
 * @param maxLineLength longest line of a command, CRLF included; longer lines are discarded and answered BAD
 * @param maxLiteralSize largest literal other than an APPEND message
 * @param maxCommandSize largest command other than an APPEND message, lines and literals together
 * @param maxAppendSize largest APPEND message (the APPENDLIMIT)
 * @param maxChunkSize largest {@link ImapFrame.AppendChunk} handed on
 * @param literalPlus LITERAL+ (any non-synchronising literal) rather than LITERAL- (at most 4096 bytes)
 */
public record ImapLimits(int maxLineLength, int maxLiteralSize, int maxCommandSize, long maxAppendSize,
    int maxChunkSize, boolean literalPlus) {

  /** RFC 7888: the largest non-synchronising literal under LITERAL-. */
  public static final int LITERAL_MINUS_MAX = 4096;

  public static final ImapLimits DEFAULTS = new ImapLimits(64 * 1024, 64 * 1024, 256 * 1024, 64L * 1024 * 1024,
      64 * 1024, true);

  public ImapLimits {
    if (maxLineLength < 64 || maxLiteralSize < 0 || maxCommandSize < maxLineLength || maxAppendSize < 0
        || maxChunkSize < 1) {
      throw new IllegalArgumentException("implausible IMAP limits: maxLineLength=" + maxLineLength
          + " maxLiteralSize=" + maxLiteralSize + " maxCommandSize=" + maxCommandSize
          + " maxAppendSize=" + maxAppendSize + " maxChunkSize=" + maxChunkSize);
    }
  }
}
