/**
 * Device certificates (spec §3.6): {@link io.commucat.ccp.crypto.cert.CertificateFields} and their
 * canonical signed bytes, the wire form {@link io.commucat.ccp.crypto.cert.DeviceCertificate},
 * issuance by {@link io.commucat.ccp.crypto.cert.DeviceCertificateAuthority}, signature checks by
 * {@link io.commucat.ccp.crypto.cert.CertificateVerifier} and the server's date and subject checks
 * by {@link io.commucat.ccp.crypto.cert.CertificateValidity}. Failures are
 * {@link io.commucat.ccp.crypto.cert.CertificateException} with a kind.
 */
package io.commucat.ccp.crypto.cert;
