package dev.tern.bench.vs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Test messages for the load tools: sizes drawn from {@code mailbox_email_sizes.csv}, dates spread
 * over the weeks the command log's SEARCH SINCE/BEFORE dates name (November 2023 to February
 * 2024), and a MIME shape real mail has — small ones plain text, larger ones multipart/mixed with
 * a text/html alternative and an attachment, so BODYSTRUCTURE and {@code BODY.PEEK[1.2]} have
 * something to find. The same seed gives the same messages, for both servers.
 */
final class Mail {

  static final Instant FIRST = Instant.parse("2023-11-01T08:00:00Z");
  static final Instant LAST = Instant.parse("2024-02-20T18:00:00Z");
  private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
  private static final DateTimeFormatter IMAP = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ROOT);
  private static final String[] WORDS = ("the meeting report draft budget invoice holiday project review code release "
      + "garden lunch train ticket photos family weekend update question answer schedule server mail backup").split(" ");

  private final int[] sizes;

  private Mail(int[] sizes) {
    this.sizes = sizes;
  }

  static Mail load(Path data) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    for (String line : Files.readAllLines(data.resolve("mailbox_email_sizes.csv"), StandardCharsets.UTF_8)) {
      String[] f = line.split(",");
      if (f.length == 3 && !f[1].equals("size")) {
        sizes.add(Integer.parseInt(f[1]));
      }
    }
    return new Mail(sizes.stream().mapToInt(Integer::intValue).toArray());
  }

  int size(Random random) {
    return sizes[random.nextInt(sizes.length)];
  }

  /** The mean size of the messages up to {@code max} bytes. */
  double mean(int max) {
    return Arrays.stream(sizes).filter(s -> s <= max).average().orElse(0);
  }

  /** The same distribution's shape, every size times {@code factor} (at least 600 bytes). */
  Mail scaled(double factor) {
    return new Mail(Arrays.stream(sizes).map(s -> Math.max(600, (int) (s * factor))).toArray());
  }

  int largest() {
    int max = 0;
    for (int s : sizes) {
      max = Math.max(max, s);
    }
    return max;
  }

  /** A message and the INTERNALDATE to append it with. */
  record Message(byte[] bytes, String internalDate) {}

  static Message message(Random random, int size, String to) {
    Instant date = FIRST.plusSeconds((long) (random.nextDouble() * (LAST.getEpochSecond() - FIRST.getEpochSecond())));
    String id = Long.toHexString(random.nextLong()) + "@example.net";
    StringBuilder head = new StringBuilder(1024)
        .append("Return-Path: <sender").append(random.nextInt(50)).append("@example.net>\r\n")
        .append("Received: from mx.example.net (mx.example.net [192.0.2.7])\r\n\tby mail.example.tld with ESMTPS; ")
        .append(RFC5322.format(date.atOffset(ZoneOffset.UTC))).append("\r\n")
        .append("From: Sender ").append(random.nextInt(50)).append(" <sender").append(random.nextInt(50)).append("@example.net>\r\n")
        .append("To: <").append(to).append(">\r\n")
        .append("Subject: ").append(words(random, 3 + random.nextInt(6))).append("\r\n")
        .append("Date: ").append(RFC5322.format(date.atOffset(ZoneOffset.UTC))).append("\r\n")
        .append("Message-ID: <").append(id).append(">\r\n");
    if (random.nextInt(3) == 0) {
      String parent = "<" + Long.toHexString(random.nextLong()) + "@example.net>";
      head.append("In-Reply-To: ").append(parent).append("\r\nReferences: ").append(parent).append("\r\n");
    }
    head.append("MIME-Version: 1.0\r\n");
    StringBuilder text = new StringBuilder(size + 256);
    if (size < 6_000) {
      text.append(head).append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
      lines(text, random, size - text.length());
    } else {
      String outer = "=_outer_" + Long.toHexString(random.nextLong());
      String inner = "=_inner_" + Long.toHexString(random.nextLong());
      text.append(head).append("Content-Type: multipart/mixed; boundary=\"").append(outer).append("\"\r\n\r\n")
          .append("--").append(outer).append("\r\nContent-Type: multipart/alternative; boundary=\"").append(inner)
          .append("\"\r\n\r\n--").append(inner).append("\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
      lines(text, random, 1500);
      text.append("--").append(inner).append("\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p>");
      lines(text, random, 2500);
      text.append("</p></body></html>\r\n--").append(inner).append("--\r\n--").append(outer)
          .append("\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\n")
          .append("Content-Transfer-Encoding: base64\r\n\r\n");
      int attachment = Math.max(76, size - text.length() - outer.length() - 10);
      base64(text, random, attachment);
      text.append("--").append(outer).append("--\r\n");
    }
    return new Message(text.toString().getBytes(StandardCharsets.UTF_8), IMAP.format(date.atOffset(ZoneOffset.UTC)));
  }

  private static String words(Random random, int n) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.toString();
  }

  private static void lines(StringBuilder text, Random random, int bytes) {
    int end = text.length() + Math.max(0, bytes);
    while (text.length() < end) {
      text.append(words(random, 12)).append("\r\n");
    }
  }

  private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

  private static void base64(StringBuilder text, Random random, int bytes) {
    int lines = Math.max(1, bytes / 78);
    for (int l = 0; l < lines; l++) {
      for (int i = 0; i < 76; i++) {
        text.append(ALPHABET[random.nextInt(64)]);
      }
      text.append("\r\n");
    }
  }
}
