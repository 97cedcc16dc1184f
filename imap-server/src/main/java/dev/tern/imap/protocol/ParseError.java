package dev.tern.imap.protocol;

/**
 * A command that could not be parsed. The session answers {@code tag BAD text} (or {@code * BAD}
 * when no tag could be read), or {@code tag NO [code] text} when {@link #status} is {@code NO}
 * (an unsupported SEARCH charset: {@code NO [BADCHARSET (UTF-8 US-ASCII)]}).
 *
 * @param tag the command's tag, or null if none could be read
 * @param code a response code to send, or null
 */
public record ParseError(String tag, Status status, ResponseCode code, String text) implements ParseResult {

  public enum Status { BAD, NO }

  public static ParseError bad(String tag, String text) {
    return new ParseError(tag, Status.BAD, null, text);
  }
}
