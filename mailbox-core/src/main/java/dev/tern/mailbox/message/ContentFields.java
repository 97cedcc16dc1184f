package dev.tern.mailbox.message;

import java.util.List;
import java.util.Objects;

/**
 * A part's Content-* fields as Dovecot parses them for BODY and BODYSTRUCTURE. Byte strings (see
 * the package description); null means the field is absent (written as NIL, or as Dovecot's
 * default). All of it is cleared when a message part has neither MIME-Version nor Content-Type.
 *
 * @param type Content-Type type as written ({@code "Text"} stays {@code "Text"}); {@code ""} when
 *     the field is there but unparsable (Dovecot then writes {@code "" ""})
 * @param subtype Content-Type subtype, {@code ""} when missing but type is set
 * @param params Content-Type parameters in Dovecot's order (plain ones first, then merged RFC 2231
 *     ones)
 * @param id Content-ID
 * @param description Content-Description
 * @param transferEncoding Content-Transfer-Encoding token as written ({@code "Base64"} stays)
 * @param md5 Content-MD5
 * @param disposition Content-Disposition type
 * @param dispositionParams Content-Disposition parameters
 * @param language Content-Language tags, empty when absent
 * @param location Content-Location
 */
public record ContentFields(
    String type,
    String subtype,
    List<Param> params,
    String id,
    String description,
    String transferEncoding,
    String md5,
    String disposition,
    List<Param> dispositionParams,
    List<String> language,
    String location) {

  public static final ContentFields NONE =
      new ContentFields(null, null, List.of(), null, null, null, null, null, List.of(), List.of(), null);

  public ContentFields {
    params = List.copyOf(Objects.requireNonNull(params, "params"));
    dispositionParams = List.copyOf(Objects.requireNonNull(dispositionParams, "dispositionParams"));
    language = List.copyOf(Objects.requireNonNull(language, "language"));
  }
}
