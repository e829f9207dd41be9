package io.nettyaio.examples.http;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The certificate a {@link FileServer} serves HTTPS with: PEM files, or a self-signed certificate for
 * {@code localhost} and {@code 127.0.0.1} made at start. TLS runs on BoringSSL (netty-tcnative) where it loads, as
 * nginx runs on OpenSSL, and on the JDK's engine otherwise.
 */
public final class ServerTls {
    private final X509Bundle selfSigned;
    private final Path certificateChain;
    private final Path privateKey;

    private ServerTls(X509Bundle selfSigned, Path certificateChain, Path privateKey) {
        this.selfSigned = selfSigned;
        this.certificateChain = certificateChain;
        this.privateKey = privateKey;
    }

    /**
     * @return a new self-signed certificate (EC P-256) for {@code localhost} and {@code 127.0.0.1}
     * @throws IOException when it cannot be made
     */
    public static ServerTls selfSigned() throws IOException {
        try {
            return new ServerTls(new CertificateBuilder().subject("CN=localhost").addSanDnsName("localhost")
                    .addSanIpAddress("127.0.0.1").setIsCertificateAuthority(true).ecp256().buildSelfSigned(),
                    null, null);
        } catch (Exception e) {
            throw new IOException("cannot make a self-signed certificate", e);
        }
    }

    /**
     * @param certificateChain PEM file with the certificate chain, the server's first
     * @param privateKey PEM file with the unencrypted PKCS#8 private key
     * @return the files, read when the server starts
     * @throws IOException when either is not a readable file
     */
    public static ServerTls pem(Path certificateChain, Path privateKey) throws IOException {
        for (Path file : new Path[] {Objects.requireNonNull(certificateChain, "certificateChain"),
            Objects.requireNonNull(privateKey, "privateKey")}) {
            if (!Files.isReadable(file)) {
                throw new IOException(file + " (expected: a readable PEM file)");
            }
        }
        return new ServerTls(null, certificateChain, privateKey);
    }

    /** @return the self-signed certificate in PEM, for a client to trust; {@code null} for PEM files */
    public String certificatePem() {
        return selfSigned == null ? null : selfSigned.getCertificatePEM();
    }

    /** @return the TLS provider servers use here: OpenSSL (BoringSSL) when it loads, else the JDK */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    SslContext newServerContext(boolean http2) throws SSLException {
        SslContextBuilder builder;
        try {
            builder = selfSigned != null ? SslContextBuilder.forServer(selfSigned.toKeyManagerFactory())
                    : SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile());
        } catch (java.security.GeneralSecurityException e) {
            throw new SSLException("cannot use the self-signed certificate", e);
        }
        builder.sslProvider(provider());
        if (http2) {
            builder.ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
        }
        return builder.build();
    }
}
