/** The LMTP front end on Netty (<a href="https://www.rfc-editor.org/rfc/rfc2033">RFC 2033</a>). */
package dev.tern.lmtp;
