#!/usr/bin/env python3
"""Regenerates NN-name.dovecot from the reference Dovecot (../shared/tools/dovecot-reference start).

For each message: APPEND it, then FETCH each item alone (ENVELOPE, BODY, BODYSTRUCTURE, RFC822.SIZE,
BODY.PEEK[], [HEADER], [TEXT], and for every part of Dovecot's own BODYSTRUCTURE: [n.MIME], [n],
and [n.HEADER], [n.TEXT] for message/rfc822 parts), and write the answers as
"ITEM <length>\\n<bytes>\\n" records. Usage: python3 dovecot-expectations.py *.eml
"""
import re
import socket
import sys

HOST, PORT, USER, PASSWORD, MAILBOX = "127.0.0.1", 10143, b"alice", b"hunter2", b"tern-expectations"


class Imap:
    def __init__(self):
        self.sock = socket.create_connection((HOST, PORT))
        self.buf = b""
        self.tag = 0
        self.line()
        self.cmd(b"LOGIN " + USER + b" " + PASSWORD)

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        i = self.buf.index(b"\r\n") + 2
        line, self.buf = self.buf[:i], self.buf[i:]
        return line

    def exactly(self, n):
        while len(self.buf) < n:
            self.buf += self.sock.recv(65536)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def cmd(self, command, literal=None):
        self.tag += 1
        tag = b"t%d" % self.tag
        if literal is None:
            self.sock.sendall(tag + b" " + command + b"\r\n")
        else:
            self.sock.sendall(tag + b" " + command + b" {%d+}\r\n" % len(literal) + literal + b"\r\n")
        out = []
        while True:
            line = self.line()
            while True:
                m = re.search(rb"\{(\d+)\}\r\n$", line)
                if not m:
                    break
                line += self.exactly(int(m.group(1))) + self.line()
            out.append(line)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(out)
                return b"".join(out[:-1])


def parse_list(data, i):
    """Parses an IMAP value at data[i]; returns (value, next index). Lists are Python lists."""
    while data[i:i + 1] == b" ":
        i += 1
    c = data[i:i + 1]
    if c == b"(":
        items, i = [], i + 1
        while True:
            while data[i:i + 1] == b" ":
                i += 1
            if data[i:i + 1] == b")":
                return items, i + 1
            item, i = parse_list(data, i)
            items.append(item)
    if c == b'"':
        j, out = i + 1, b""
        while data[j:j + 1] != b'"':
            if data[j:j + 1] == b"\\":
                j += 1
            out += data[j:j + 1]
            j += 1
        return out, j + 1
    if c == b"{":
        j = data.index(b"}", i)
        n = int(data[i + 1:j])
        return data[j + 3:j + 3 + n], j + 3 + n
    m = re.match(rb"[^ ()]+", data[i:])
    return m.group(0), i + len(m.group(0))


def sections(body, path, out):
    """body is one part of a BODYSTRUCTURE; path its section number."""
    out += [path + ".MIME", path]
    if isinstance(body[0], list):  # multipart: parts, then subtype ...
        for n, child in enumerate([b for b in body if isinstance(b, list) and b and isinstance(b[0], (list, bytes)) and len(b) > 2], 1):
            sections(child, "%s.%d" % (path, n), out)
    elif body[0].lower() == b"message" and body[1].lower() == b"rfc822":
        out += [path + ".HEADER", path + ".TEXT"]
        inner = body[8]
        if isinstance(inner[0], list):
            for n, child in enumerate([b for b in inner if isinstance(b, list) and len(b) > 2], 1):
                sections(child, "%s.%d" % (path, n), out)
        else:
            out.append(path + ".1")


def main():
    imap = Imap()
    try:
        imap.cmd(b"DELETE " + MAILBOX)
    except RuntimeError:
        pass
    imap.cmd(b"CREATE " + MAILBOX)
    imap.cmd(b"SELECT " + MAILBOX)
    for seq, name in enumerate(sys.argv[1:], 1):
        imap.cmd(b"APPEND " + MAILBOX, open(name, "rb").read())
        structure = imap.cmd(b"FETCH %d (BODYSTRUCTURE)" % seq)
        tree, _ = parse_list(structure, structure.index(b"(BODYSTRUCTURE ") + len(b"(BODYSTRUCTURE "))
        wanted = ["", "HEADER", "TEXT"]
        if isinstance(tree[0], list):
            for n, child in enumerate([b for b in tree if isinstance(b, list) and len(b) > 2], 1):
                sections(child, str(n), wanted)
        else:
            sections(tree, "1", wanted)
        items = [b"ENVELOPE", b"BODY", b"BODYSTRUCTURE", b"RFC822.SIZE"] + [b"BODY.PEEK[%s]" % s.encode() for s in wanted]
        with open(name[:-len(".eml")] + ".dovecot", "wb") as out:
            for item in items:
                answer = imap.cmd(b"FETCH %d (%s)" % (seq, item))
                shown = item.replace(b".PEEK", b"")
                prefix = b"* %d FETCH (%s " % (seq, shown)
                assert answer.startswith(prefix) and answer.endswith(b")\r\n"), answer[:200]
                value = answer[len(prefix):-3]
                if shown.startswith(b"BODY["):
                    value = b"" if value in (b'""', b"NIL") else value[value.index(b"}") + 3:]
                out.write(shown + b" %d\n" % len(value) + value + b"\n")
        print(name, len(items))


main()
