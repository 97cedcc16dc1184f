/** The IMAP4rev1 front end on Netty (<a href="https://www.rfc-editor.org/rfc/rfc3501">RFC 3501</a>). */
package dev.tern.imap;
