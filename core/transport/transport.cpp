// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/transport.h"

#include "transport/rawsocket/rawsocketlistener.h"
#include "transport/rawsocket/rawsockettransport.h"
#include "transport/transportprivate.h"
#include "transport/websocket/websocketlistener.h"
#include "transport/websocket/websockettransport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSslKey>
#include <QSslSocket>

namespace wb::transport {

Q_LOGGING_CATEGORY(lcTransport, "wb.transport")

namespace detail {

QString formatPeer(const QHostAddress &address, quint16 port)
{
    if (address.isNull())
        return QStringLiteral("unknown");
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also unwraps ::ffff:a.b.c.d
    if (isV4)
        return QStringLiteral("%1:%2").arg(QHostAddress(v4).toString()).arg(port);
    return QStringLiteral("[%1]:%2").arg(address.toString()).arg(port);
}

QHostAddress listenAddress(const QString &host)
{
    if (host.isEmpty() || host == QLatin1String("*") || host == QLatin1String("0.0.0.0"))
        return QHostAddress(QHostAddress::AnyIPv4);
    if (host == QLatin1String("::"))
        return QHostAddress(QHostAddress::Any);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    return QHostAddress(host); // null for a host name
}

QString truncateCloseReason(const QString &reason)
{
    // A close frame carries at most 125 payload bytes: 2 for the code, 123 for the UTF-8 reason.
    constexpr qsizetype kMaxBytes = 123;
    QString out = reason;
    while (out.toUtf8().size() > kMaxBytes)
        out.chop(out.size() > 1 && out.at(out.size() - 1).isLowSurrogate() ? 2 : 1);
    return out;
}

QString describeCertificate(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return QStringLiteral("no certificate");
    auto name = [](const QStringList &parts) { return parts.isEmpty() ? QStringLiteral("?") : parts.join(QStringLiteral(", ")); };
    QString text = QStringLiteral("CN=%1, issued by CN=%2")
                       .arg(name(certificate.subjectInfo(QSslCertificate::CommonName)),
                            name(certificate.issuerInfo(QSslCertificate::CommonName)));
    if (certificate.isSelfSigned())
        text += QStringLiteral(" (self-signed)");
    text += QStringLiteral(", valid until %1, SHA-256 %2")
                .arg(certificate.expiryDate().toString(Qt::ISODate), certificateFingerprint(certificate));
    return text;
}

bool acceptCertificateErrors(const TlsClientOptions &tls, const QList<QSslError> &errors, const QSslCertificate &certificate,
                             const QString &peer, QString *text)
{
    if (tls.acceptAnyCertificate)
        return true;
    QSslCertificate cert = certificate;
    if (cert.isNull()) {
        for (const QSslError &e : errors) {
            if (!e.certificate().isNull()) {
                cert = e.certificate();
                break;
            }
        }
    }
    if (!tls.pinnedSha256.isEmpty()) {
        if (!cert.isNull() && cert.digest(QCryptographicHash::Sha256) == tls.pinnedSha256)
            return true;
        return checkPinnedCertificate(tls, cert, peer, text);
    }
    QStringList reasons;
    for (const QSslError &e : errors) {
        if (!reasons.contains(e.errorString()))
            reasons.append(e.errorString());
    }
    *text = QStringLiteral("TLS certificate of %1 rejected: %2 [certificate %3]; trust its CA with a CA file, pin its "
                           "fingerprint, or accept any certificate explicitly (insecure)")
                .arg(peer, reasons.join(QStringLiteral("; ")), describeCertificate(cert));
    return false;
}

bool checkPinnedCertificate(const TlsClientOptions &tls, const QSslCertificate &certificate, const QString &peer, QString *text)
{
    if (tls.pinnedSha256.isEmpty() || tls.acceptAnyCertificate)
        return true;
    if (!certificate.isNull() && certificate.digest(QCryptographicHash::Sha256) == tls.pinnedSha256)
        return true;
    *text = QStringLiteral("TLS certificate of %1 does not match the pinned SHA-256 fingerprint %2 [certificate %3]")
                .arg(peer, QString::fromLatin1(tls.pinnedSha256.toHex(':').toUpper()), describeCertificate(certificate));
    return false;
}

} // namespace detail

namespace {

struct ParsedUrl
{
    enum Kind { Invalid, WebSocket, RawTcp, RawUnix } kind = Invalid;
    bool secure = false;
    QString error;
};

// Shared URL validation of connectTo() and createListener().
ParsedUrl parseUrl(const QUrl &url, bool forListener)
{
    ParsedUrl p;
    const QString text = url.toString();
    if (url.isEmpty()) {
        p.error = QStringLiteral("no URL given");
        return p;
    }
    if (!url.isValid()) {
        p.error = QStringLiteral("invalid URL '%1': %2").arg(text, url.errorString());
        return p;
    }
    const QString scheme = url.scheme().toLower();
    static const QStringList tcpSchemes = {QStringLiteral("ws"), QStringLiteral("wss"), QStringLiteral("rs"),
                                           QStringLiteral("rss"), QStringLiteral("tcp"), QStringLiteral("tcps")};
    if (tcpSchemes.contains(scheme)) {
        if (url.host().isEmpty()) {
            p.error = QStringLiteral("missing host in '%1' (expected %2://host:port)").arg(text, scheme);
            return p;
        }
        const bool isWs = scheme == QLatin1String("ws") || scheme == QLatin1String("wss");
        const bool portRequired = forListener || !isWs;
        if (portRequired && url.port() < 0) {
            p.error = forListener ? QStringLiteral("missing port in '%1' (use port 0 for any free port)").arg(text)
                                  : QStringLiteral("missing port in '%1' (expected %2://host:port)").arg(text, scheme);
            return p;
        }
        if (!forListener && url.port() == 0) {
            p.error = QStringLiteral("cannot connect to port 0 in '%1'").arg(text);
            return p;
        }
        p.kind = isWs ? ParsedUrl::WebSocket : ParsedUrl::RawTcp;
        p.secure = scheme == QLatin1String("wss") || scheme == QLatin1String("rss") || scheme == QLatin1String("tcps");
        return p;
    }
    if (scheme == QLatin1String("unix")) {
        if (!url.host().isEmpty()) {
            p.error = QStringLiteral("'%1' names a host; a Unix socket URL is unix:///absolute/path").arg(text);
            return p;
        }
        const QString path = url.path();
        if (path.isEmpty() || !path.startsWith(QLatin1Char('/'))) {
            p.error = QStringLiteral("missing socket path in '%1' (expected unix:///absolute/path)").arg(text);
            return p;
        }
        p.kind = ParsedUrl::RawUnix;
        return p;
    }
    p.error = scheme.isEmpty()
        ? QStringLiteral("missing URL scheme in '%1' (expected ws://, wss://, rs://, rss://, tcp://, tcps:// or unix://)").arg(text)
        : QStringLiteral("unsupported URL scheme '%1' (expected ws://, wss://, rs://, rss://, tcp://, tcps:// or unix://)").arg(scheme);
    return p;
}

} // namespace

Transport *connectTo(const ConnectOptions &options, QObject *parent, QString *error)
{
    auto fail = [error](const QString &text) -> Transport * {
        qCDebug(lcTransport).noquote() << "connect:" << text;
        if (error)
            *error = text;
        return nullptr;
    };
    const ParsedUrl parsed = parseUrl(options.url, false);
    if (parsed.kind == ParsedUrl::Invalid)
        return fail(parsed.error);
    if (!codec::serializer(options.serializer))
        return fail(QStringLiteral("unsupported serializer id %1").arg(int(options.serializer)));
    if (options.maxMessageSize <= 0)
        return fail(QStringLiteral("invalid maximum message size %1").arg(options.maxMessageSize));
    if (parsed.secure) {
        // Checked here so that a bad CA file is reported at once; the transport builds the same configuration.
        QSslConfiguration ssl;
        QString tlsError;
        if (!makeClientTlsConfiguration(options.tls, &ssl, &tlsError))
            return fail(tlsError);
        if (!options.tls.pinnedSha256.isEmpty() && options.tls.pinnedSha256.size() != 32)
            return fail(QStringLiteral("a pinned certificate fingerprint must be a SHA-256 digest (32 bytes), got %1 bytes")
                            .arg(options.tls.pinnedSha256.size()));
    }
    if (error)
        error->clear();
    switch (parsed.kind) {
    case ParsedUrl::WebSocket:
        return new WebSocketTransport(options, parent);
    case ParsedUrl::RawTcp:
        return new RawSocketTransport(options, RawSocketTransport::SocketKind::Tcp, parent);
    case ParsedUrl::RawUnix:
        return new RawSocketTransport(options, RawSocketTransport::SocketKind::Local, parent);
    case ParsedUrl::Invalid:
        break;
    }
    return nullptr;
}

Listener *createListener(const QUrl &url, QObject *parent, QString *error)
{
    const ParsedUrl parsed = parseUrl(url, true);
    if (parsed.kind == ParsedUrl::Invalid) {
        qCDebug(lcTransport).noquote() << "listen:" << parsed.error;
        if (error)
            *error = parsed.error;
        return nullptr;
    }
    if (error)
        error->clear();
    if (parsed.kind == ParsedUrl::WebSocket)
        return new WebSocketListener(url, parsed.secure, parent);
    return new RawSocketListener(url, parsed.secure, parent);
}

bool isSecureUrl(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return scheme == QLatin1String("wss") || scheme == QLatin1String("rss") || scheme == QLatin1String("tcps");
}

QString certificateFingerprint(const QSslCertificate &certificate)
{
    const QByteArray digest = certificate.digest(QCryptographicHash::Sha256);
    return QString::fromLatin1(digest.toHex(':').toUpper());
}

namespace {

bool readFile(const QString &path, const QString &what, QByteArray *data, QString *error)
{
    if (path.isEmpty()) {
        *error = QStringLiteral("no %1 file given").arg(what);
        return false;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1 %2: %3").arg(what, path, f.errorString());
        return false;
    }
    *data = f.readAll();
    return true;
}

bool readCertificates(const QString &path, const QString &what, QList<QSslCertificate> *certs, QString *error)
{
    QByteArray data;
    if (!readFile(path, what, &data, error))
        return false;
    *certs = QSslCertificate::fromData(data, QSsl::Pem);
    if (certs->isEmpty())
        *certs = QSslCertificate::fromData(data, QSsl::Der);
    if (certs->isEmpty() || certs->first().isNull()) {
        *error = QStringLiteral("%1 %2 holds no PEM or DER certificate").arg(what, path);
        return false;
    }
    return true;
}

} // namespace

bool loadServerTls(const TlsServerFiles &files, QSslConfiguration *config, QString *error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available: no TLS backend (OpenSSL) could be loaded");
        return false;
    }
    QList<QSslCertificate> certs;
    if (!readCertificates(files.certificateFile, QStringLiteral("certificate"), &certs, error))
        return false;
    for (const QString &chainFile : files.chainFiles) {
        QList<QSslCertificate> chain;
        if (!readCertificates(chainFile, QStringLiteral("chain certificate file"), &chain, error))
            return false;
        certs.append(chain);
    }
    QByteArray keyData;
    if (!readFile(files.privateKeyFile, QStringLiteral("private key"), &keyData, error))
        return false;
    const QSsl::EncodingFormat format = keyData.contains("-----BEGIN") ? QSsl::Pem : QSsl::Der;
    QSslKey key;
    for (QSsl::KeyAlgorithm alg : {QSsl::Ec, QSsl::Rsa, QSsl::Dsa}) {
        key = QSslKey(keyData, alg, format, QSsl::PrivateKey, files.keyPassphrase);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = keyData.contains("ENCRYPTED") && files.keyPassphrase.isEmpty()
            ? QStringLiteral("private key %1 is encrypted and no passphrase was given").arg(files.privateKeyFile)
            : QStringLiteral("private key %1 is not a readable RSA or EC private key%2")
                  .arg(files.privateKeyFile, files.keyPassphrase.isEmpty() ? QString() : QStringLiteral(" (or the passphrase is wrong)"));
        return false;
    }
    // Qt cannot derive the public half of a private key, so this is a cheap plausibility check (key type and
    // size); a key of the same type and size that belongs to another certificate fails every TLS handshake.
    const QSslKey certKey = certs.first().publicKey();
    if (!certKey.isNull() && (certKey.algorithm() != key.algorithm() || certKey.length() != key.length())) {
        *error = QStringLiteral("private key %1 does not match certificate %2").arg(files.privateKeyFile, files.certificateFile);
        return false;
    }
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    c.setLocalCertificateChain(certs);
    c.setPrivateKey(key);
    c.setPeerVerifyMode(QSslSocket::VerifyNone); // no client certificates
    *config = c;
    return true;
}

bool makeClientTlsConfiguration(const TlsClientOptions &tls, QSslConfiguration *config, QString *error)
{
    QString dummy;
    if (!error)
        error = &dummy;
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("TLS is not available: no TLS backend (OpenSSL) could be loaded");
        return false;
    }
    QSslConfiguration c = QSslConfiguration::defaultConfiguration();
    if (!tls.caFile.isEmpty()) {
        QList<QSslCertificate> cas;
        if (!readCertificates(tls.caFile, QStringLiteral("CA file"), &cas, error))
            return false;
        c.addCaCertificates(cas);
    }
    c.setPeerVerifyMode(QSslSocket::VerifyPeer);
    *config = c;
    return true;
}

} // namespace wb::transport
