// SPDX-License-Identifier: GPL-3.0-or-later
#include "transport/transport.h"

#include "transport/rawsocket/rawsocketlistener.h"
#include "transport/rawsocket/rawsockettransport.h"
#include "transport/transportprivate.h"
#include "transport/websocket/websocketlistener.h"
#include "transport/websocket/websockettransport.h"

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

} // namespace detail

namespace {

struct ParsedUrl
{
    enum Kind { Invalid, WebSocket, RawTcp, RawUnix } kind = Invalid;
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
    if (scheme == QLatin1String("wss") || scheme == QLatin1String("rss")) {
        p.error = scheme == QLatin1String("wss") ? QStringLiteral("wss:// (TLS) is not supported yet")
                                                  : QStringLiteral("rss:// (RawSocket over TLS) is not supported yet");
        return p;
    }
    if (scheme == QLatin1String("ws") || scheme == QLatin1String("rs") || scheme == QLatin1String("tcp")) {
        if (url.host().isEmpty()) {
            p.error = QStringLiteral("missing host in '%1' (expected %2://host:port)").arg(text, scheme);
            return p;
        }
        const bool portRequired = forListener || scheme != QLatin1String("ws");
        if (portRequired && url.port() < 0) {
            p.error = forListener ? QStringLiteral("missing port in '%1' (use port 0 for any free port)").arg(text)
                                  : QStringLiteral("missing port in '%1' (expected %2://host:port)").arg(text, scheme);
            return p;
        }
        if (!forListener && url.port() == 0) {
            p.error = QStringLiteral("cannot connect to port 0 in '%1'").arg(text);
            return p;
        }
        p.kind = scheme == QLatin1String("ws") ? ParsedUrl::WebSocket : ParsedUrl::RawTcp;
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
    p.error = scheme.isEmpty() ? QStringLiteral("missing URL scheme in '%1' (expected ws://, rs://, tcp:// or unix://)").arg(text)
                               : QStringLiteral("unsupported URL scheme '%1' (expected ws://, rs://, tcp:// or unix://)").arg(scheme);
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
        return new WebSocketListener(url, parent);
    return new RawSocketListener(url, parent);
}

} // namespace wb::transport
