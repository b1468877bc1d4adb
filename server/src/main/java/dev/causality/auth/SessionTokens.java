package dev.causality.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Short-lived access tokens: JWTs signed with HMAC-SHA256 under a server secret. Verification pins
 * the algorithm (HS256 only, so {@code alg:none} and algorithm swaps fail), the type, the issuer
 * and the audience, and requires {@code exp}, {@code nbf}, {@code iat}, the subject and the session
 * id, checked against the injected clock with 5 s of skew allowed.
 */
final class SessionTokens {
  static final String ISSUER = "causality";
  static final String AUDIENCE = "causality-api";

  /** What a valid access token says: the user and the sign-in session it belongs to. */
  record Claims(String userId, String familyId) {}

  private final byte[] secret;
  private final InstantSource clock;
  private final Duration ttl;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

  SessionTokens(byte[] secret, InstantSource clock, Duration ttl) {
    if (secret.length < 32) {
      throw new IllegalArgumentException(
          "the session signing secret must be at least 32 bytes, was " + secret.length);
    }
    this.secret = secret.clone();
    this.clock = requireNonNull(clock, "clock is null");
    this.ttl = requireNonNull(ttl, "ttl is null");
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(this.secret)));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            AUDIENCE,
            new JWTClaimsSet.Builder().issuer(ISSUER).build(),
            Set.of("sub", "sid", "exp", "nbf", "iat", "jti")) {
          @Override
          protected Date currentTime() {
            return Date.from(SessionTokens.this.clock.instant());
          }
        };
    claims.setMaxClockSkew(5);
    processor.setJWTClaimsSetVerifier(claims);
  }

  String issue(String userId, String familyId) {
    Instant now = clock.instant();
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(ISSUER)
            .audience(AUDIENCE)
            .subject(userId)
            .claim("sid", familyId)
            .issueTime(Date.from(now))
            .notBeforeTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ttl)))
            .jwtID(UUID.randomUUID().toString())
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(secret));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  /** The claims of {@code token} when it is valid now; empty for anything else. */
  Optional<Claims> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > 4096) {
      return Optional.empty();
    }
    try {
      JWTClaimsSet c = processor.process(token, null);
      Object sid = c.getClaim("sid");
      if (!(sid instanceof String family)) {
        return Optional.empty();
      }
      return Optional.of(new Claims(c.getSubject(), family));
    } catch (ParseException | BadJOSEException | JOSEException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
