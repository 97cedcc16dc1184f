package dev.tern.imap.protocol;

/** What {@link CommandParser} makes of one command: a {@link Command} or a {@link ParseError}. */
public sealed interface ParseResult permits Command, ParseError {}
