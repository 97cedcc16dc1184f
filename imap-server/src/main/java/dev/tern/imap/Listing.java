package dev.tern.imap;

import dev.tern.imap.protocol.Command;
import dev.tern.imap.protocol.ImapWriter;
import dev.tern.imap.protocol.StatusItem;
import dev.tern.mailbox.MailboxList;
import dev.tern.mailbox.MailboxName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * LIST (RFC 3501, LIST-EXTENDED RFC 5258, LIST-STATUS RFC 5819, SPECIAL-USE RFC 6154) and LSUB.
 * Names with no mailbox but mailboxes below them (after a delete, or a parent never created) are
 * listed as {@code \Noselect} (LSUB, basic LIST) or {@code \NonExistent} (extended LIST).
 */
final class Listing {

  private final Commands commands;

  Listing(Commands commands) {
    this.commands = commands;
  }

  void list(Command.ListMailboxes command) {
    ImapWriter out = commands.out();
    if (command.patterns().size() == 1 && command.patterns().get(0).isEmpty()) {
      out.untagged().raw("LIST (\\Noselect) \"/\"").string("").end(); // the delimiter query
      return;
    }
    boolean extended = !command.selection().isEmpty() || !command.returns().isEmpty() || command.patterns().size() > 1;
    boolean subscribedOnly = command.selection().contains(Command.ListSelect.SUBSCRIBED);
    boolean specialOnly = command.selection().contains(Command.ListSelect.SPECIAL_USE);
    boolean showSubscribed = subscribedOnly || command.returns().contains(Command.ListReturn.SUBSCRIBED);
    MailboxList list = commands.account().mailboxes();
    List<Pattern> patterns = new ArrayList<>();
    for (String pattern : command.patterns()) {
      patterns.add(compile(command.reference() + pattern));
    }

    // Every name worth showing: mailboxes, their ancestors, and (for SUBSCRIBED) subscriptions.
    TreeMap<String, Set<String>> names = new TreeMap<>();
    for (Map.Entry<MailboxName, MailboxList.Binding> entry : list.mailboxes().entrySet()) {
      names.put(entry.getKey().value(), new TreeSet<>(entry.getValue().specialUse()));
      for (MailboxName ancestor : entry.getKey().ancestors()) {
        names.putIfAbsent(ancestor.value(), null);
      }
    }
    if (subscribedOnly) {
      for (MailboxName name : list.subscriptions()) {
        names.putIfAbsent(name.value(), null);
      }
    }
    for (Map.Entry<String, Set<String>> entry : names.entrySet()) {
      String name = entry.getKey();
      if (patterns.stream().noneMatch(p -> p.matcher(name).matches())) {
        continue;
      }
      MailboxName mailboxName = MailboxName.of(name);
      boolean exists = entry.getValue() != null;
      boolean subscribed = list.isSubscribed(mailboxName);
      if (subscribedOnly && !subscribed) {
        continue;
      }
      Set<String> specialUse = exists ? entry.getValue() : Set.of();
      if (specialOnly && specialUse.isEmpty()) {
        continue;
      }
      List<String> attributes = new ArrayList<>();
      if (!exists) {
        attributes.add(extended ? "\\NonExistent" : "\\Noselect");
      }
      attributes.add(hasChildren(names, name) ? "\\HasChildren" : "\\HasNoChildren");
      if (showSubscribed && subscribed) {
        attributes.add("\\Subscribed");
      }
      attributes.addAll(specialUse);
      out.untagged().raw("LIST (" + String.join(" ", attributes) + ") \"/\"").mailbox(name).end();
      if (exists && command.returns().contains(Command.ListReturn.STATUS) && !command.statusItems().isEmpty()) {
        status(name, command.statusItems());
      }
    }
  }

  private void status(String name, List<StatusItem> items) {
    try {
      commands.statusLine(name, items);
    } catch (RuntimeException e) {
      // a mailbox deleted meanwhile: LIST-STATUS omits its STATUS
    }
  }

  void lsub(Command.Lsub command) {
    ImapWriter out = commands.out();
    if (command.pattern().isEmpty()) {
      out.untagged().raw("LSUB (\\Noselect) \"/\"").string("").end();
      return;
    }
    MailboxList list = commands.account().mailboxes();
    Pattern pattern = compile(command.reference() + command.pattern());
    for (MailboxName name : list.subscriptions()) {
      if (pattern.matcher(name.value()).matches()) {
        String attributes = list.lookup(name).isPresent() ? "" : "\\Noselect";
        out.untagged().raw("LSUB (" + attributes + ") \"/\"").mailbox(name.value()).end();
      }
    }
  }

  private static boolean hasChildren(TreeMap<String, Set<String>> names, String name) {
    String prefix = name + "/";
    String next = names.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  /** {@code *} matches anything, {@code %} anything but the delimiter; INBOX matches case-insensitively. */
  static Pattern compile(String pattern) {
    StringBuilder regex = new StringBuilder();
    String rest = pattern;
    if (pattern.regionMatches(true, 0, "INBOX", 0, 5) && (pattern.length() == 5 || pattern.charAt(5) == '/')) {
      regex.append("INBOX");
      rest = pattern.substring(5);
    }
    StringBuilder literal = new StringBuilder();
    for (char c : rest.toCharArray()) {
      if (c == '*' || c == '%') {
        regex.append(Pattern.quote(literal.toString()));
        literal.setLength(0);
        regex.append(c == '*' ? ".*" : "[^/]*");
      } else {
        literal.append(c);
      }
    }
    regex.append(Pattern.quote(literal.toString()));
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
