package dev.tern.imap.protocol;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/** RFC 3501 {@code date} ({@code 7-Feb-2024}) and {@code date-time} ({@code "14-Feb-2024 14:12:35 +0100"}). */
public final class ImapDates {

  private static final String[] MONTHS =
      {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

  private ImapDates() {}

  /** Parses {@code date-text} (day of one or two digits); throws {@link IllegalArgumentException}. */
  public static LocalDate parseDate(String text) {
    String[] parts = text.split("-", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 2 || parts[2].length() != 4) {
      throw new IllegalArgumentException("bad date: " + text);
    }
    try {
      return LocalDate.of(digits(parts[2]), month(parts[1]), digits(parts[0]));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("bad date: " + text);
    }
  }

  /** Parses the inside of a quoted {@code date-time}; a day may be space-padded, zero-padded or bare. */
  public static OffsetDateTime parseDateTime(String text) {
    String t = text.startsWith(" ") ? text.substring(1) : text;
    String[] parts = t.split(" ", -1);
    if (parts.length != 3 || parts[1].length() != 8 || parts[1].charAt(2) != ':' || parts[1].charAt(5) != ':'
        || parts[2].length() != 5 || (parts[2].charAt(0) != '+' && parts[2].charAt(0) != '-')) {
      throw new IllegalArgumentException("bad date-time: " + text);
    }
    LocalDate date = parseDate(parts[0]);
    try {
      int zone = digits(parts[2].substring(1));
      int seconds = ((zone / 100) * 3600 + (zone % 100) * 60) * (parts[2].charAt(0) == '-' ? -1 : 1);
      return OffsetDateTime.of(date.getYear(), date.getMonthValue(), date.getDayOfMonth(),
          digits(parts[1].substring(0, 2)), digits(parts[1].substring(3, 5)), digits(parts[1].substring(6, 8)), 0,
          ZoneOffset.ofTotalSeconds(seconds));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("bad date-time: " + text);
    }
  }

  /** {@code 14-Feb-2024 14:12:35 +0100}, without quotes. */
  public static String formatDateTime(OffsetDateTime time) {
    int offset = time.getOffset().getTotalSeconds() / 60;
    char sign = offset < 0 ? '-' : '+';
    offset = Math.abs(offset);
    return String.format(Locale.ROOT, "%02d-%s-%04d %02d:%02d:%02d %c%02d%02d",
        time.getDayOfMonth(), MONTHS[time.getMonthValue() - 1], time.getYear(),
        time.getHour(), time.getMinute(), time.getSecond(), sign, offset / 60, offset % 60);
  }

  /** {@code 7-Feb-2024}. */
  public static String formatDate(LocalDate date) {
    return date.getDayOfMonth() + "-" + MONTHS[date.getMonthValue() - 1] + "-" + date.getYear();
  }

  private static int month(String name) {
    for (int i = 0; i < MONTHS.length; i++) {
      if (MONTHS[i].equalsIgnoreCase(name)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException("bad month: " + name);
  }

  private static int digits(String s) {
    if (s.isEmpty() || s.length() > 9) {
      throw new IllegalArgumentException("bad number: " + s);
    }
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("bad number: " + s);
      }
      n = n * 10 + c - '0';
    }
    return n;
  }
}
