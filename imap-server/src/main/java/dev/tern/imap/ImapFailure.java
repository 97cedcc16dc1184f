package dev.tern.imap;

import dev.tern.imap.protocol.ImapWriter.Status;
import dev.tern.imap.protocol.ResponseCode;

/** A command refused: the status, response code and text of its tagged answer. */
final class ImapFailure extends RuntimeException {

  final Status status;
  final ResponseCode code;

  private ImapFailure(Status status, ResponseCode code, String text) {
    super(text, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ImapFailure no(ResponseCode code, String text) {
    return new ImapFailure(Status.NO, code, text);
  }

  static ImapFailure no(String text) {
    return new ImapFailure(Status.NO, null, text);
  }

  static ImapFailure bad(String text) {
    return new ImapFailure(Status.BAD, null, text);
  }
}
