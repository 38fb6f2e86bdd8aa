// SPDX-License-Identifier: GPL-3.0-or-later
#include "clientrun.h"

#include "output.h"
#include "stophandler.h"

#include <QCoreApplication>

namespace wb::cli {

using namespace wb::wamp;

ClientCommand::ClientCommand(const QString &description)
{
    m_parser.setApplicationDescription(description);
    addClientOptions(m_parser);
}

std::optional<int> ClientCommand::parseArguments(const QStringList &arguments)
{
    if (auto rc = parseOrHelp(m_parser, arguments))
        return rc;
    m_positionals = m_parser.positionalArguments();
    return std::nullopt;
}

std::optional<int> ClientCommand::parseClientOptions()
{
    if (const int rc = parseClientCommon(m_parser, m_common); rc != ExitOk)
        return rc;
    return std::nullopt;
}

std::optional<int> ClientCommand::parse(const QStringList &arguments,
                                        const std::function<bool(const QStringList &)> &positionalsOk, const QString &usage)
{
    if (auto rc = parseArguments(arguments))
        return rc;
    if (!positionalsOk(m_positionals)) {
        err(usage);
        return ExitUsage;
    }
    return parseClientOptions();
}

std::optional<int> ClientCommand::parse(const QStringList &arguments, qsizetype min, qsizetype max, const QString &usage)
{
    return parse(
        arguments, [min, max](const QStringList &pos) { return pos.size() >= min && (max < 0 || pos.size() <= max); }, usage);
}

bool ClientCommand::parseTarget(const QString &noun, QString &uri, List &args, Dict &kwargs) const
{
    return cli::parseTarget(m_parser, noun, uri, args, kwargs);
}

ClientRun::ClientRun(const ClientCommon &c) : m_common(c)
{
    if (c.verbose) {
        QObject::connect(&m_session, &session::Session::messageSent, &m_session, [](const Message &m, const QByteArray &b) {
            // AUTHENTICATE may carry a ticket in clear text: never print the signature.
            const QString shown = m.type() == MessageType::Authenticate
                                      ? s("[5, \"<redacted>\", %1]").arg(m.at(2).toDebugString())
                                      : m.toValue().toDebugString();
            err(s("-> %1 (%2 bytes) %3").arg(m.typeName()).arg(b.size()).arg(shown));
        });
        QObject::connect(&m_session, &session::Session::messageReceived, &m_session, [](const Message &m, const QByteArray &b) {
            err(s("<- %1 (%2 bytes) %3").arg(m.typeName()).arg(b.size()).arg(m.toValue().toDebugString()));
        });
    }
    QObject::connect(&m_session, &session::Session::left, &m_session, [this](const QString &reason, const QString &msg) {
        if (m_done)
            return;
        err(s("session closed: %1%2").arg(reason, msg.isEmpty() ? QString() : s(" (") + msg + s(")")));
        if (msg.startsWith(s("TLS certificate of")) && msg.contains(s(" rejected: ")))
            err(s("hint: --ca-file FILE trusts the router's CA (or its self-signed certificate), --pin-sha256 HEX "
                  "exactly this certificate, --insecure any certificate (tests only)"));
        finish(ExitConnection);
    });
    m_connectTimer.setSingleShot(true);
    QObject::connect(&m_connectTimer, &QTimer::timeout, &m_session, [this] {
        if (!m_session.isJoined()) {
            err(s("timeout: no session with %1 after %2 s")
                    .arg(m_common.connect.url.toString())
                    .arg(m_common.connect.connectTimeoutMs / 1000.0));
            finish(ExitConnection);
        }
    });
}

int ClientRun::exec(std::function<void()> onJoined)
{
    QObject::connect(&m_session, &session::Session::joined, &m_session, [this, onJoined] {
        m_connectTimer.stop();
        onJoined();
    });
    installStopHandler([this] { finish(ExitOk); });
    m_connectTimer.start(m_common.connect.connectTimeoutMs + 1000);
    m_session.open(m_common.connect, m_common.session);
    if (m_done)
        return m_exitCode;
    return QCoreApplication::exec();
}

void ClientRun::finish(int code)
{
    if (m_done)
        return;
    m_done = true;
    m_exitCode = code;
    if (m_session.isJoined()) {
        QObject::connect(&m_session, &session::Session::left, &m_session, [code] { QCoreApplication::exit(code); });
        m_session.leave();
    } else {
        m_session.disconnectNow(s("exiting"));
        QTimer::singleShot(0, QCoreApplication::instance(), [code] { QCoreApplication::exit(code); });
    }
}

void ClientRun::fail(const session::WampError &e)
{
    printError(e);
    finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
}

} // namespace wb::cli
