// SPDX-License-Identifier: GPL-3.0-or-later
// wampscope-cli: the Wampscope core without a display. A contract users and scripts rely on:
// JSON lines on stdout, human diagnostics on stderr, documented exit codes.

#include "cli.h"

#include "auth/cryptosign.h"
#include "auth/scram.h"
#include "codec/serializer.h"
#include "router/router.h"
#include "session/metaclient.h"
#include "session/session.h"
#include "wamp/errors.h"
#include "wamp/ids.h"
#include "wamp/uri.h"

#include <QCommandLineParser>
#include <QFile>
#include <QLoggingCategory>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <optional>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace wb::cli {

using namespace wb::wamp;

namespace {

enum ExitCode { ExitOk = 0, ExitWampError = 1, ExitUsage = 2, ExitConnection = 3, ExitTimeout = 4 };

QString s(const char *t) { return QString::fromUtf8(t); }

void out(const QString &line)
{
    const QByteArray b = line.toUtf8() + '\n';
    fwrite(b.constData(), 1, size_t(b.size()), stdout);
    fflush(stdout);
}

void err(const QString &line)
{
    const QByteArray b = line.toUtf8() + '\n';
    fwrite(b.constData(), 1, size_t(b.size()), stderr);
    fflush(stderr);
}

/// Dicts as one JSON line through the real JSON serializer (bytes use the WAMP "\u0000"+base64 convention).
QString jsonLine(const Value &v)
{
    return QString::fromUtf8(codec::serializer(codec::SerializerId::Json)->encode(v));
}

/// An ARG or VALUE is parsed as JSON when it is valid JSON, otherwise taken as a string.
Value parseArg(const QString &text)
{
    auto v = codec::serializer(codec::SerializerId::Json)->decode(text.toUtf8());
    return v.ok() ? *v : Value(text);
}

// ---- SIGINT/SIGTERM -> quit the event loop (self-pipe) ----
int s_sigFd[2] = {-1, -1};
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] auto r = ::write(s_sigFd[0], &c, 1);
}
void installSignalHandlers(std::function<void()> onStop)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_sigFd) != 0)
        return;
    auto *n = new QSocketNotifier(s_sigFd[1], QSocketNotifier::Read, QCoreApplication::instance());
    QObject::connect(n, &QSocketNotifier::activated, n, [n, onStop = std::move(onStop)] {
        char c;
        [[maybe_unused]] auto r = ::read(s_sigFd[1], &c, 1);
        n->setEnabled(false);
        onStop();
    });
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

/// Parse \a arguments; a usage error or --help yields the exit code to return at once.
std::optional<int> parseOrHelp(QCommandLineParser &p, const QStringList &arguments)
{
    if (!p.parse(arguments)) {
        err(p.errorText());
        return ExitUsage;
    }
    if (p.isSet(s("help"))) {
        out(p.helpText());
        return ExitOk;
    }
    return std::nullopt;
}

/// --count N: 0 when absent; false (after a message) when not a positive number.
bool parseCount(const QCommandLineParser &p, int &count)
{
    count = 0;
    if (!p.isSet(s("count")))
        return true;
    bool ok = false;
    count = p.value(s("count")).toInt(&ok);
    if (!ok || count <= 0) {
        err(s("--count must be a positive number"));
        return false;
    }
    return true;
}

const char *kUsage =
    "Usage: wampscope-cli <command> [options]\n"
    "\n"
    "Commands:\n"
    "  router     Run the built-in WAMP router\n"
    "  call       Call a procedure and print its result\n"
    "  publish    Publish an event\n"
    "  subscribe  Subscribe to a topic and print events\n"
    "  register   Register a mock procedure and serve invocations\n"
    "  meta       List sessions, subscriptions or registrations (WAMP meta API)\n"
    "  sessions   Same as 'meta sessions'\n"
    "  kill       Kill a session (wamp.session.kill)\n"
    "  keygen     Create an Ed25519 key pair for WAMP-cryptosign\n"
    "  scram-hash Derive stored WAMP-SCRAM credentials (a router config users entry) from a password\n"
    "\n"
    "Run 'wampscope-cli <command> --help' for the options of a command.\n"
    "\n"
    "Output: results and events are JSON lines on stdout; diagnostics go to stderr.\n"
    "Exit codes: 0 success, 1 WAMP error, 2 usage error, 3 connection or authentication failure, 4 timeout.\n";

// ------------------------------------------------------------------------------------------------
// router

} // namespace

int runRouterCommand(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Run the built-in WAMP router (basic profile).\n"
                                  "Defaults: ws://127.0.0.1:8080/ws and rs://127.0.0.1:8081, realm realm1 (anonymous).\n"
                                  "Prints 'listening on URL' per listener and one line per session join and leave."));
    p.addHelpOption();
    p.addPositionalArgument(s("router"), s("The command."));
    p.addOption({s("config"), s("Router configuration file (JSON, see README)."), s("FILE")});
    p.addOption({s("listen"), s("Listen on URL (ws://host:port/path, wss://host:port/path, rs://host:port, rss://host:port, unix:///path). Repeatable; replaces the configured listeners."), s("URL")});
    p.addOption({s("tls-cert"), s("PEM certificate for wss:// and rss:// listeners that have none in the config."), s("FILE")});
    p.addOption({s("tls-key"), s("PEM private key for --tls-cert."), s("FILE")});
    p.addOption({s("realm"), s("Serve realm NAME with anonymous access. Repeatable; replaces the configured realms."), s("NAME")});
    p.addOption({s("auto-realms"), s("Create realms on demand when a client asks for an unknown one.")});
    p.addOption({s("max-message-size"), s("Maximum message size in bytes on every listener (default 16 MiB)."), s("BYTES")});
    p.addOption({{s("v"), s("verbose")}, s("Also log connections, handshakes and routing details (Qt categories wb.*).")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    if (!p.isSet(s("verbose")))
        QLoggingCategory::setFilterRules(s("wb.*.debug=false\nwb.*.info=false"));

    router::RouterConfig config = router::RouterConfig::defaults();
    if (p.isSet(s("config"))) {
        auto c = router::RouterConfig::fromFile(p.value(s("config")));
        if (!c.ok()) {
            err(s("wampscope-cli router: ") + c.errorString());
            return ExitUsage;
        }
        config = *c;
    }
    qint64 maxSize = 0;
    if (p.isSet(s("max-message-size"))) {
        bool ok = false;
        maxSize = p.value(s("max-message-size")).toLongLong(&ok);
        if (!ok || maxSize < 512) {
            err(s("wampscope-cli router: --max-message-size must be a number of bytes >= 512"));
            return ExitUsage;
        }
    }
    if (p.isSet(s("listen"))) {
        config.listeners.clear();
        for (const QString &u : p.values(s("listen")))
            config.listeners.append(router::ListenerConfig{QUrl(u)});
    }
    if (maxSize > 0)
        for (auto &l : config.listeners)
            l.maxMessageSize = maxSize;
    if (p.isSet(s("tls-cert")) != p.isSet(s("tls-key"))) {
        err(s("wampscope-cli router: --tls-cert and --tls-key go together"));
        return ExitUsage;
    }
    if (p.isSet(s("tls-cert"))) {
        bool used = false;
        for (auto &l : config.listeners) {
            if (transport::isSecureUrl(l.url) && !l.tls.isSet()) {
                l.tls.certificateFile = p.value(s("tls-cert"));
                l.tls.keyFile = p.value(s("tls-key"));
                used = true;
            }
        }
        if (!used) {
            err(s("wampscope-cli router: --tls-cert needs a wss:// or rss:// listener without its own tls settings"));
            return ExitUsage;
        }
    }
    if (const Status valid = config.validate(); !valid.ok()) {
        err(s("wampscope-cli router: ") + valid.errorString());
        return ExitUsage;
    }
    if (p.isSet(s("realm"))) {
        config.realms.clear();
        for (const QString &r : p.values(s("realm"))) {
            if (!isValidUri(r)) {
                err(s("wampscope-cli router: invalid realm name: ") + uriProblem(r));
                return ExitUsage;
            }
            router::RealmConfig rc;
            rc.name = r;
            config.realms.append(rc);
        }
    }
    if (p.isSet(s("auto-realms")))
        config.autoCreateRealms = true;

    router::Router r(config);
    QObject::connect(&r, &router::Router::sessionJoined, &r, [](const router::SessionInfo &i) {
        out(s("session %1 joined realm %2 as %3 (role %4, %5) via %6/%7 from %8")
                .arg(i.id)
                .arg(i.realm, i.authid, i.authrole, i.authmethod, i.transport, i.serializer, i.peer));
    });
    QObject::connect(&r, &router::Router::sessionLeft, &r, [](const router::SessionInfo &i, const QString &reason) {
        out(s("session %1 left realm %2: %3").arg(i.id).arg(i.realm, reason));
    });
    QObject::connect(&r, &router::Router::logMessage, &r, [](const QString &text) { err(text); });
    const Status st = r.start();
    if (!st.ok()) {
        err(s("wampscope-cli router: ") + st.errorString());
        return ExitConnection;
    }
    for (const QUrl &u : r.listeningUrls())
        out(s("listening on ") + u.toString());
    QStringList realms;
    for (const auto &rc : config.realms)
        realms << rc.name;
    err(s("realms: %1%2").arg(realms.join(s(", ")), config.autoCreateRealms ? s(" (others created on demand)") : QString()));
    installSignalHandlers([&r] {
        err(s("shutting down"));
        r.stop();
        QTimer::singleShot(2500, QCoreApplication::instance(), &QCoreApplication::quit);
        QObject::connect(&r, &router::Router::sessionLeft, &r, [&r] {
            if (r.sessionCount() == 0)
                QCoreApplication::quit();
        });
        if (r.sessionCount() == 0)
            QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}

namespace {

// ------------------------------------------------------------------------------------------------
// client commands

struct ClientCommon
{
    transport::ConnectOptions connect;
    session::SessionOptions session;
    Dict options; ///< --option KEY=VALUE pass-through
    bool verbose = false;
};

void addClientOptions(QCommandLineParser &p)
{
    p.addHelpOption();
    p.addOption({s("url"), s("Router URL: ws://host:port/path, wss://host:port/path, rs://host:port, rss://host:port, unix:///path (default ws://127.0.0.1:8080/ws)."), s("URL"), s("ws://127.0.0.1:8080/ws")});
    p.addOption({s("ca-file"), s("wss/rss: also trust the CA certificate(s) in this PEM file (besides the system CAs)."), s("FILE")});
    p.addOption({s("insecure"), s("wss/rss: accept any server certificate (self-signed, unknown CA, wrong host). For tests only.")});
    p.addOption({s("pin-sha256"), s("wss/rss: accept only the server certificate with this SHA-256 fingerprint (hex, colons optional), even if self-signed."), s("HEX")});
    p.addOption({s("realm"), s("Realm to join (default realm1)."), s("REALM"), s("realm1")});
    p.addOption({s("serializer"), s("json, msgpack or cbor (default json)."), s("NAME"), s("json")});
    p.addOption({s("authmethod"), s("anonymous, ticket, wampcra, cryptosign or scram (default anonymous)."), s("METHOD"), s("anonymous")});
    p.addOption({s("authid"), s("Authentication ID (user name); optional for cryptosign."), s("ID")});
    p.addOption({s("authrole"), s("Requested role (the router may ignore it)."), s("ROLE")});
    p.addOption({s("secret"), s("Ticket, WAMP-CRA secret or SCRAM password. Prefer the WAMPSCOPE_SECRET environment variable: it stays out of shell history."), s("SECRET")});
    p.addOption({s("private-key"), s("cryptosign: Ed25519 private key (32-byte seed, 64 hex). WAMPSCOPE_SECRET may hold it instead."), s("HEX")});
    p.addOption({s("private-key-file"), s("cryptosign: private key file (from 'wampscope-cli keygen --output'; mode 0600)."), s("PATH")});
    p.addOption({s("option"), s("Extra request option KEY=VALUE (VALUE parsed as JSON when valid). Repeatable."), s("KEY=VALUE")});
    p.addOption({s("max-message-size"), s("Largest message accepted from the router, in bytes (default 16 MiB)."), s("BYTES")});
    p.addOption({s("connect-timeout"), s("Seconds to wait for the connection and session (default 10)."), s("SECONDS"), s("10")});
    p.addOption({{s("v"), s("verbose")}, s("Print every WAMP message sent and received on stderr.")});
}

bool parseKeyValues(const QStringList &items, Dict &into, const QString &flag)
{
    for (const QString &kv : items) {
        const qsizetype eq = kv.indexOf(u'=');
        if (eq <= 0) {
            err(s("%1 expects KEY=VALUE, got '%2'").arg(flag, kv));
            return false;
        }
        into.insert(kv.left(eq), parseArg(kv.mid(eq + 1)));
    }
    return true;
}

/// --authmethod and its credentials (--authid, --secret / WAMPSCOPE_SECRET, --private-key[-file]).
int parseClientAuth(const QCommandLineParser &p, session::ClientAuth &a)
{
    static const QStringList methods = {s("anonymous"), s("ticket"), s("wampcra"), s("cryptosign"), s("scram")};
    a.method = p.value(s("authmethod"));
    if (!methods.contains(a.method)) {
        err(s("--authmethod must be anonymous, ticket, wampcra, cryptosign or scram, got '%1'").arg(a.method));
        return ExitUsage;
    }
    a.authid = p.value(s("authid"));
    a.authrole = p.value(s("authrole"));
    if ((p.isSet(s("private-key")) || p.isSet(s("private-key-file"))) && a.method != u"cryptosign") {
        err(s("--private-key and --private-key-file need --authmethod cryptosign"));
        return ExitUsage;
    }
    if (a.method == u"cryptosign") {
        if (p.isSet(s("private-key")) && p.isSet(s("private-key-file"))) {
            err(s("give either --private-key or --private-key-file, not both"));
            return ExitUsage;
        }
        if (p.isSet(s("private-key-file"))) {
            const auto seed = auth::readPrivateKeyFile(p.value(s("private-key-file")));
            if (!seed) {
                err(seed.errorString());
                return ExitUsage;
            }
            a.privateKey = *seed;
            return ExitOk;
        }
        const QString hex = p.isSet(s("private-key")) ? p.value(s("private-key")) : qEnvironmentVariable("WAMPSCOPE_SECRET");
        if (hex.isEmpty()) {
            err(s("--authmethod cryptosign needs --private-key, --private-key-file or WAMPSCOPE_SECRET (64 hex)"));
            return ExitUsage;
        }
        const auto seed = auth::decodeHex(hex.trimmed(), auth::kEd25519SeedBytes, s("the private key"));
        if (!seed) {
            err(seed.errorString());
            return ExitUsage;
        }
        a.privateKey = *seed;
        return ExitOk;
    }
    a.secret = p.isSet(s("secret")) ? p.value(s("secret")) : qEnvironmentVariable("WAMPSCOPE_SECRET");
    if (a.method != u"anonymous") {
        if (a.authid.isEmpty()) {
            err(s("--authmethod %1 needs --authid").arg(a.method));
            return ExitUsage;
        }
        if (a.secret.isEmpty()) {
            err(s("--authmethod %1 needs --secret or WAMPSCOPE_SECRET").arg(a.method));
            return ExitUsage;
        }
    }
    return ExitOk;
}

/// Parse the options every client command shares. Returns ExitOk or an exit code.
int parseClientCommon(QCommandLineParser &p, ClientCommon &c)
{
    c.connect.url = QUrl(p.value(s("url")));
    const codec::Serializer *ser = codec::serializerByName(p.value(s("serializer")));
    if (!ser) {
        err(s("--serializer must be json, msgpack or cbor, got '%1'").arg(p.value(s("serializer"))));
        return ExitUsage;
    }
    c.connect.serializer = ser->id();
    c.connect.tls.caFile = p.value(s("ca-file"));
    c.connect.tls.acceptAnyCertificate = p.isSet(s("insecure"));
    if (p.isSet(s("pin-sha256"))) {
        QString hex = p.value(s("pin-sha256"));
        hex.remove(u':');
        c.connect.tls.pinnedSha256 = QByteArray::fromHex(hex.toLatin1());
        if (c.connect.tls.pinnedSha256.size() != 32 || c.connect.tls.pinnedSha256.toHex() != hex.toLower().toLatin1()) {
            err(s("--pin-sha256 must be a SHA-256 fingerprint: 64 hex digits, colons optional"));
            return ExitUsage;
        }
    }
    if ((p.isSet(s("ca-file")) || p.isSet(s("insecure")) || p.isSet(s("pin-sha256"))) && !transport::isSecureUrl(c.connect.url)) {
        err(s("--ca-file, --insecure and --pin-sha256 need a wss:// or rss:// --url"));
        return ExitUsage;
    }
    if (p.isSet(s("max-message-size"))) {
        bool ok = false;
        c.connect.maxMessageSize = p.value(s("max-message-size")).toLongLong(&ok);
        if (!ok || c.connect.maxMessageSize < 512) {
            err(s("--max-message-size must be a number of bytes >= 512"));
            return ExitUsage;
        }
    }
    bool ok = false;
    const double secs = p.value(s("connect-timeout")).toDouble(&ok);
    if (!ok || secs <= 0) {
        err(s("--connect-timeout must be a positive number of seconds"));
        return ExitUsage;
    }
    c.connect.connectTimeoutMs = int(secs * 1000);
    c.session.realm = p.value(s("realm"));
    if (!isValidUri(c.session.realm)) {
        err(s("invalid realm: ") + uriProblem(c.session.realm));
        return ExitUsage;
    }
    if (const int rc = parseClientAuth(p, c.session.auth); rc != ExitOk)
        return rc;
    if (!parseKeyValues(p.values(s("option")), c.options, s("--option")))
        return ExitUsage;
    c.verbose = p.isSet(s("verbose"));
    if (!c.verbose)
        QLoggingCategory::setFilterRules(s("wb.*.debug=false\nwb.*.info=false"));
    return ExitOk;
}

/// Connects, joins, runs \a onJoined, and turns session loss into exit code 3.
class ClientRun
{
public:
    explicit ClientRun(const ClientCommon &c) : m_common(c)
    {
        if (c.verbose) {
            QObject::connect(&m_session, &session::Session::messageSent, &m_session,
                             [](const Message &m, const QByteArray &b) {
                                 // AUTHENTICATE may carry a ticket in clear text: never print the signature.
                                 const QString shown = m.type() == MessageType::Authenticate
                                                           ? s("[5, \"<redacted>\", %1]").arg(m.at(2).toDebugString())
                                                           : m.toValue().toDebugString();
                                 err(s("-> %1 (%2 bytes) %3").arg(m.typeName()).arg(b.size()).arg(shown));
                             });
            QObject::connect(&m_session, &session::Session::messageReceived, &m_session,
                             [](const Message &m, const QByteArray &b) {
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

    session::Session &session() { return m_session; }

    int exec(std::function<void()> onJoined)
    {
        QObject::connect(&m_session, &session::Session::joined, &m_session, [this, onJoined] {
            m_connectTimer.stop();
            onJoined();
        });
        installSignalHandlers([this] { finish(ExitOk); });
        m_connectTimer.start(m_common.connect.connectTimeoutMs + 1000);
        m_session.open(m_common.connect, m_common.session);
        if (m_done)
            return m_exitCode;
        return QCoreApplication::exec();
    }

    /// Leave politely (GOODBYE), then exit with \a code.
    void finish(int code)
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

private:
    ClientCommon m_common;
    session::Session m_session;
    QTimer m_connectTimer;
    bool m_done = false;
    int m_exitCode = ExitOk;
};

/// PROCEDURE/TOPIC (positional 1, a valid URI), ARGs (positional 2..) and --kwarg pairs of call and publish.
bool parseTarget(const QCommandLineParser &p, const QString &noun, QString &uri, List &args, Dict &kwargs)
{
    const QStringList pos = p.positionalArguments();
    uri = pos.at(1);
    if (!isValidUri(uri)) {
        err(s("invalid %1 URI: ").arg(noun) + uriProblem(uri));
        return false;
    }
    for (qsizetype i = 2; i < pos.size(); ++i)
        args.append(parseArg(pos.at(i)));
    return parseKeyValues(p.values(s("kwarg")), kwargs, s("--kwarg"));
}

void printError(const session::WampError &e)
{
    out(jsonLine(Dict{{s("error"), e.uri}, {s("args"), e.args}, {s("kwargs"), e.kwargs}}));
    err(s("error: ") + e.toString());
}

/// --NAME SECONDS (a positive number) as milliseconds; 0 when absent.
bool parseSeconds(const QCommandLineParser &p, const QString &name, int &ms)
{
    ms = 0;
    if (!p.isSet(name))
        return true;
    bool ok = false;
    const double secs = p.value(name).toDouble(&ok);
    if (!ok || secs <= 0 || secs > 2e6) {
        err(s("--%1 must be a positive number of seconds").arg(name));
        return false;
    }
    ms = int(secs * 1000);
    return true;
}

bool parseTimeout(const QCommandLineParser &p, int &ms) { return parseSeconds(p, s("timeout"), ms); }

/// --NAME MS (an integer >= \a min) in milliseconds; -1 when absent.
bool parseMillis(const QCommandLineParser &p, const QString &name, int &ms, int min = 0)
{
    ms = -1;
    if (!p.isSet(name))
        return true;
    bool ok = false;
    ms = p.value(name).toInt(&ok);
    if (!ok || ms < min) {
        err(s("--%1 must be a whole number of milliseconds >= %2").arg(name).arg(min));
        return false;
    }
    return true;
}

/// --NAME A,B,C into options[KEY] as a list: session IDs (integers) or strings.
bool parseListOption(const QCommandLineParser &p, const QString &name, const QString &key, bool ids, Dict &options)
{
    if (!p.isSet(name))
        return true;
    List items;
    for (const QString &value : p.values(name)) {
        for (const QString &part : value.split(u',', Qt::SkipEmptyParts)) {
            const QString item = part.trimmed();
            if (!ids) {
                items.append(item);
                continue;
            }
            bool ok = false;
            const quint64 id = item.toULongLong(&ok);
            if (!ok || !isValidId(id)) {
                err(s("--%1 expects session IDs (integers 1..2^53), got '%2'").arg(name, item));
                return false;
            }
            items.append(id);
        }
    }
    options.insert(key, items);
    return true;
}

int runCall(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Call PROCEDURE with positional ARGs and --kwarg KEY=VALUE pairs.\n"
                                  "Prints {\"args\":[...],\"kwargs\":{...}} as one JSON line. With --progress, progressive\n"
                                  "results print one line each first, marked \"progress\":true.\n"
                                  "On a WAMP error exits 1 and prints {\"error\":URI,\"args\":[...],\"kwargs\":{...}};\n"
                                  "a call timeout (wamp.error.timeout, or --wait running out) exits 4."));
    addClientOptions(p);
    p.addPositionalArgument(s("call"), s("The command."));
    p.addPositionalArgument(s("PROCEDURE"), s("Procedure URI."));
    p.addPositionalArgument(s("ARG"), s("Positional arguments (JSON when valid, else a string)."), s("[ARG...]"));
    p.addOption({s("kwarg"), s("Keyword argument KEY=VALUE. Repeatable."), s("KEY=VALUE")});
    p.addOption({s("progress"), s("Ask for progressive results (CALL.Options.receive_progress) and print each one.")});
    p.addOption({s("timeout"), s("Router-enforced call timeout (CALL.Options.timeout) in milliseconds; 0 = none. The router "
                                 "cancels the call and answers wamp.error.timeout (exit 4)."), s("MS")});
    p.addOption({s("wait"), s("Client-side limit: give up after SECONDS without a final result (exit 4)."), s("SECONDS")});
    p.addOption({s("cancel-after"), s("Send CANCEL after MS milliseconds (see --cancel-mode)."), s("MS")});
    p.addOption({s("cancel-mode"), s("skip, kill or killnowait (default killnowait)."), s("MODE"), s("killnowait")});
    p.addOption({s("disclose-me"), s("Ask the router to disclose this caller to the callee (CALL.Options.disclose_me).")});
    p.addOption({s("chunk"), s("Progressive call invocation: after the first CALL (the ARGs) send one more input chunk per "
                               "--chunk (JSON: a list becomes args, any other value one argument); the last one ends the input. "
                               "Repeatable."), s("JSON")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 2) {
        err(s("usage: wampscope-cli call PROCEDURE [ARG]... [--kwarg KEY=VALUE]..."));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;
    QString procedure;
    List args;
    Dict kwargs;
    if (!parseTarget(p, s("procedure"), procedure, args, kwargs))
        return ExitUsage;
    int waitMs = 0, callTimeoutMs = -1, cancelAfterMs = -1;
    if (!parseSeconds(p, s("wait"), waitMs) || !parseMillis(p, s("timeout"), callTimeoutMs)
        || !parseMillis(p, s("cancel-after"), cancelAfterMs))
        return ExitUsage;
    const QString cancelMode = p.value(s("cancel-mode"));
    if (cancelMode != u"skip" && cancelMode != u"kill" && cancelMode != u"killnowait") {
        err(s("--cancel-mode must be skip, kill or killnowait, got '%1'").arg(cancelMode));
        return ExitUsage;
    }
    QList<List> chunks;
    for (const QString &chunk : p.values(s("chunk"))) {
        const Value v = parseArg(chunk);
        chunks.append(v.isList() ? v.toList() : List{v});
    }
    if (p.isSet(s("progress")))
        c.options.insert(s("receive_progress"), true);
    if (callTimeoutMs >= 0)
        c.options.insert(s("timeout"), callTimeoutMs);
    if (p.isSet(s("disclose-me")))
        c.options.insert(s("disclose_me"), true);
    if (!chunks.isEmpty())
        c.options.insert(s("progress"), true);
    // A router that ignores CALL.Options.timeout must not leave us hanging: fall back to a local limit.
    const bool fallbackWait = waitMs == 0 && callTimeoutMs > 0;
    if (fallbackWait)
        waitMs = callTimeoutMs + 5000;

    ClientRun run(c);
    QTimer timer, cancelTimer;
    timer.setSingleShot(true);
    cancelTimer.setSingleShot(true);
    return run.exec([&] {
        if (waitMs > 0) {
            QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
                err(s("timeout: no result for %1 within %2 s").arg(procedure).arg(waitMs / 1000.0));
                run.finish(ExitTimeout);
            });
            timer.start(waitMs);
        }
        const quint64 request = run.session().call(
            procedure, args, kwargs, c.options,
            [&](const session::CallResult &r) {
                Dict line{{s("args"), r.args}, {s("kwargs"), r.kwargs}};
                if (r.progress) {
                    line.insert(s("progress"), true);
                    out(jsonLine(line));
                    if (fallbackWait)
                        timer.start(waitMs); // the router's timeout bounds the gap between results too
                    return;
                }
                out(jsonLine(line));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection
                           : e.uri == uris::timeout       ? ExitTimeout
                                                          : ExitWampError);
            });
        if (!request)
            return;
        for (qsizetype i = 0; i < chunks.size(); ++i)
            run.session().sendCallChunk(request, chunks.at(i), {}, i + 1 < chunks.size());
        if (cancelAfterMs >= 0) {
            QObject::connect(&cancelTimer, &QTimer::timeout, &cancelTimer, [&, request] {
                err(s("canceling (mode %1)").arg(cancelMode));
                run.session().cancel(request, cancelMode);
            });
            cancelTimer.start(cancelAfterMs);
        }
    });
}

int runPublish(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Publish an event to TOPIC with positional ARGs and --kwarg KEY=VALUE pairs.\n"
                                  "With --acknowledge waits for the router's PUBLISHED and prints {\"publication\":ID}."));
    addClientOptions(p);
    p.addPositionalArgument(s("publish"), s("The command."));
    p.addPositionalArgument(s("TOPIC"), s("Topic URI."));
    p.addPositionalArgument(s("ARG"), s("Positional arguments (JSON when valid, else a string)."), s("[ARG...]"));
    p.addOption({s("kwarg"), s("Keyword argument KEY=VALUE. Repeatable."), s("KEY=VALUE")});
    p.addOption({s("acknowledge"), s("Ask the router to acknowledge (PUBLISHED or ERROR).")});
    p.addOption({s("exclude-me"), s("Do not deliver the event to this session (the router's default).")});
    p.addOption({s("no-exclude-me"), s("Also deliver the event to this session when it is subscribed (exclude_me=false).")});
    p.addOption({s("eligible"), s("Deliver only to these session IDs (comma-separated; repeatable)."), s("ID,...")});
    p.addOption({s("exclude"), s("Never deliver to these session IDs (comma-separated; repeatable)."), s("ID,...")});
    p.addOption({s("eligible-authid"), s("Deliver only to sessions with these authids."), s("AUTHID,...")});
    p.addOption({s("exclude-authid"), s("Never deliver to sessions with these authids."), s("AUTHID,...")});
    p.addOption({s("eligible-authrole"), s("Deliver only to sessions with these authroles."), s("ROLE,...")});
    p.addOption({s("exclude-authrole"), s("Never deliver to sessions with these authroles."), s("ROLE,...")});
    p.addOption({s("disclose-me"), s("Ask the router to disclose this publisher to subscribers (disclose_me).")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 2) {
        err(s("usage: wampscope-cli publish TOPIC [ARG]... [--kwarg KEY=VALUE]... [--acknowledge]"));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;
    QString topic;
    List args;
    Dict kwargs;
    if (!parseTarget(p, s("topic"), topic, args, kwargs))
        return ExitUsage;
    if (p.isSet(s("acknowledge")))
        c.options.insert(s("acknowledge"), true);
    if (p.isSet(s("exclude-me")) && p.isSet(s("no-exclude-me"))) {
        err(s("--exclude-me and --no-exclude-me contradict each other"));
        return ExitUsage;
    }
    if (p.isSet(s("exclude-me")) || p.isSet(s("no-exclude-me")))
        c.options.insert(s("exclude_me"), p.isSet(s("exclude-me")));
    if (p.isSet(s("disclose-me")))
        c.options.insert(s("disclose_me"), true);
    if (!parseListOption(p, s("eligible"), s("eligible"), true, c.options)
        || !parseListOption(p, s("exclude"), s("exclude"), true, c.options)
        || !parseListOption(p, s("eligible-authid"), s("eligible_authid"), false, c.options)
        || !parseListOption(p, s("exclude-authid"), s("exclude_authid"), false, c.options)
        || !parseListOption(p, s("eligible-authrole"), s("eligible_authrole"), false, c.options)
        || !parseListOption(p, s("exclude-authrole"), s("exclude_authrole"), false, c.options))
        return ExitUsage;
    const bool ack = c.options.value(s("acknowledge")).toBool();

    ClientRun run(c);
    return run.exec([&] {
        run.session().publish(
            topic, args, kwargs, c.options,
            [&](quint64 publication) {
                if (ack)
                    out(jsonLine(Dict{{s("publication"), publication}}));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
            });
    });
}

int runSubscribe(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Subscribe to TOPIC and print one JSON line per event:\n"
                                  "{\"args\":[...],\"details\":{...},\"kwargs\":{...}}. Prints 'subscribed ...' on stderr once active."));
    addClientOptions(p);
    p.addPositionalArgument(s("subscribe"), s("The command."));
    p.addPositionalArgument(s("TOPIC"), s("Topic URI or pattern."));
    p.addOption({s("match"), s("exact, prefix or wildcard (default exact)."), s("POLICY"), s("exact")});
    p.addOption({s("count"), s("Exit after N events."), s("N")});
    p.addOption({s("timeout"), s("Exit after SECONDS (exit 4 when --count events have not arrived by then)."), s("SECONDS")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2) {
        err(s("usage: wampscope-cli subscribe TOPIC [--match exact|prefix|wildcard] [--count N] [--timeout SECONDS]"));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;
    const QString topic = pos.at(1);
    const auto match = parseMatchPolicy(p.value(s("match")));
    if (!match) {
        err(s("--match must be exact, prefix or wildcard"));
        return ExitUsage;
    }
    if (!isValidUri(topic, UriStrictness::Loose, emptyComponentsFor(*match))) {
        err(s("invalid topic: ") + uriProblem(topic, UriStrictness::Loose, emptyComponentsFor(*match)));
        return ExitUsage;
    }
    if (*match != MatchPolicy::Exact)
        c.options.insert(s("match"), matchPolicyName(*match));
    int count = 0;
    if (!parseCount(p, count))
        return ExitUsage;
    int timeoutMs = 0;
    if (!parseTimeout(p, timeoutMs))
        return ExitUsage;

    ClientRun run(c);
    QTimer timer;
    timer.setSingleShot(true);
    int received = 0;
    return run.exec([&] {
        if (timeoutMs > 0) {
            QObject::connect(&timer, &QTimer::timeout, &timer, [&] {
                if (count > 0) {
                    err(s("timeout: %1 of %2 events received").arg(received).arg(count));
                    run.finish(ExitTimeout);
                } else {
                    run.finish(ExitOk);
                }
            });
            timer.start(timeoutMs);
        }
        run.session().subscribe(
            topic, c.options,
            [&](const session::EventData &e) {
                if (count > 0 && received >= count)
                    return;
                ++received;
                out(jsonLine(Dict{{s("args"), e.args}, {s("kwargs"), e.kwargs}, {s("details"), e.details}}));
                if (count > 0 && received >= count)
                    run.finish(ExitOk);
            },
            [&](quint64 id) { err(s("subscribed %1 (%2, subscription %3)").arg(topic, matchPolicyName(*match)).arg(id)); },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
            });
    });
}

int runRegister(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Register PROCEDURE as a mock and serve invocations. Prints 'registered ...' on stderr\n"
                                  "once active, then one JSON line per invocation:\n"
                                  "{\"args\":[...],\"details\":{...},\"kwargs\":{...},\"procedure\":URI}."));
    addClientOptions(p);
    p.addPositionalArgument(s("register"), s("The command."));
    p.addPositionalArgument(s("PROCEDURE"), s("Procedure URI."));
    p.addOption({s("echo"), s("Answer with the call's own args and kwargs.")});
    p.addOption({s("result"), s("Answer with JSON: a list becomes args, any other value a single argument."), s("JSON")});
    p.addOption({s("result-kwargs"), s("Answer kwargs (a JSON object), with --result."), s("JSON")});
    p.addOption({s("error"), s("Answer with an ERROR of this URI."), s("URI")});
    p.addOption({s("error-args"), s("Arguments of the error (a JSON list)."), s("JSON")});
    p.addOption({s("error-kwargs"), s("Keyword arguments of the error (a JSON object)."), s("JSON")});
    p.addOption({s("match"), s("exact, prefix or wildcard registration (default exact)."), s("POLICY"), s("exact")});
    p.addOption({s("invoke"), s("Shared registration policy: single (default), roundrobin, random, first or last."), s("POLICY")});
    p.addOption({s("disclose-caller"), s("Ask the router to disclose callers (REGISTER.Options.disclose_caller).")});
    p.addOption({s("progress"), s("When the caller asked for progressive results, send N progressive results "
                                  "(args [0], [1], ...) before the answer."), s("N")});
    p.addOption({s("delay"), s("Answer after MS milliseconds (an INTERRUPT stops the wait)."), s("MS")});
    p.addOption({s("count"), s("Exit after serving N invocations."), s("N")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 2) {
        err(s("usage: wampscope-cli register PROCEDURE (--echo | --result JSON | --error URI) [--count N]"));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;
    const QString procedure = pos.at(1);
    const int modes = int(p.isSet(s("echo"))) + int(p.isSet(s("result"))) + int(p.isSet(s("error")));
    if (modes != 1) {
        err(s("register needs exactly one of --echo, --result JSON or --error URI"));
        return ExitUsage;
    }
    const auto match = parseMatchPolicy(p.value(s("match")));
    if (!match) {
        err(s("--match must be exact, prefix or wildcard"));
        return ExitUsage;
    }
    if (!isValidUri(procedure, UriStrictness::Loose, emptyComponentsFor(*match))) {
        err(s("invalid procedure: ") + uriProblem(procedure, UriStrictness::Loose, emptyComponentsFor(*match)));
        return ExitUsage;
    }
    if (*match != MatchPolicy::Exact)
        c.options.insert(s("match"), matchPolicyName(*match));
    if (p.isSet(s("invoke"))) {
        const QString invoke = p.value(s("invoke"));
        if (!QStringList{s("single"), s("roundrobin"), s("random"), s("first"), s("last")}.contains(invoke)) {
            err(s("--invoke must be single, roundrobin, random, first or last, got '%1'").arg(invoke));
            return ExitUsage;
        }
        c.options.insert(s("invoke"), invoke);
    }
    if (p.isSet(s("disclose-caller")))
        c.options.insert(s("disclose_caller"), true);
    int progressCount = -1, delayMs = -1;
    if (!parseMillis(p, s("progress"), progressCount, 1) || !parseMillis(p, s("delay"), delayMs))
        return ExitUsage;
    auto strictJson = [](const QString &flag, const QString &text, Value &into) {
        auto v = codec::serializer(codec::SerializerId::Json)->decode(text.toUtf8());
        if (!v.ok()) {
            err(s("%1 is not valid JSON: %2").arg(flag, v.errorString()));
            return false;
        }
        into = *v;
        return true;
    };
    List resultArgs, errorArgs;
    Dict resultKwargs, errorKwargs;
    if (p.isSet(s("result"))) {
        Value v;
        if (!strictJson(s("--result"), p.value(s("result")), v))
            return ExitUsage;
        resultArgs = v.isList() ? v.toList() : List{v};
    }
    if (p.isSet(s("result-kwargs"))) {
        Value v;
        if (!strictJson(s("--result-kwargs"), p.value(s("result-kwargs")), v) || !v.isDict()) {
            err(s("--result-kwargs must be a JSON object"));
            return ExitUsage;
        }
        resultKwargs = v.toDict();
    }
    const QString errorUri = p.value(s("error"));
    if (p.isSet(s("error")) && !isValidUri(errorUri)) {
        err(s("invalid error URI: ") + uriProblem(errorUri));
        return ExitUsage;
    }
    if (p.isSet(s("error-args"))) {
        Value v;
        if (!strictJson(s("--error-args"), p.value(s("error-args")), v) || !v.isList()) {
            err(s("--error-args must be a JSON list"));
            return ExitUsage;
        }
        errorArgs = v.toList();
    }
    if (p.isSet(s("error-kwargs"))) {
        Value v;
        if (!strictJson(s("--error-kwargs"), p.value(s("error-kwargs")), v) || !v.isDict()) {
            err(s("--error-kwargs must be a JSON object"));
            return ExitUsage;
        }
        errorKwargs = v.toDict();
    }
    int count = 0;
    if (!parseCount(p, count))
        return ExitUsage;
    const bool echo = p.isSet(s("echo"));
    const bool isError = p.isSet(s("error"));

    ClientRun run(c);
    int served = 0;
    QHash<quint64, QTimer *> delayed; // invocation request ID -> pending answer (--delay)
    auto answer = [&](const session::InvocationData &inv) {
        if (progressCount > 0 && inv.details.value(s("receive_progress")).toBool()) {
            for (int i = 0; i < progressCount; ++i)
                run.session().yield(inv.requestId, List{i}, {}, Dict{{s("progress"), true}});
        }
        if (echo)
            run.session().yield(inv.requestId, inv.args, inv.kwargs);
        else if (isError)
            run.session().yieldError(inv.requestId, errorUri, errorArgs, errorKwargs);
        else
            run.session().yield(inv.requestId, resultArgs, resultKwargs);
        ++served;
        if (count > 0 && served >= count)
            run.finish(ExitOk);
    };
    return run.exec([&] {
        run.session().registerProcedure(
            procedure, c.options,
            [&](const session::InvocationData &inv) {
                Dict line{{s("procedure"), inv.procedure}, {s("args"), inv.args}, {s("kwargs"), inv.kwargs},
                          {s("details"), inv.details}};
                if (inv.progress || inv.continuation)
                    line.insert(s("request"), inv.requestId);
                out(jsonLine(line));
                if (inv.progress)
                    return; // a progressive call invocation: answer once the final input chunk arrives
                if (delayMs <= 0)
                    return answer(inv);
                auto *timer = new QTimer(&run.session());
                timer->setSingleShot(true);
                delayed.insert(inv.requestId, timer);
                QObject::connect(timer, &QTimer::timeout, timer, [&, inv, timer] {
                    delayed.remove(inv.requestId);
                    timer->deleteLater();
                    answer(inv);
                });
                timer->start(delayMs);
            },
            [&](quint64 id) { err(s("registered %1 (registration %2)").arg(procedure).arg(id)); },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
            },
            [&](quint64 request, const QString &mode) {
                out(jsonLine(Dict{{s("interrupt"), request}, {s("mode"), mode}}));
                if (QTimer *timer = delayed.take(request))
                    timer->deleteLater();
                if (mode != u"killnowait")
                    run.session().yieldError(request, uris::canceled, List{s("interrupted")});
                ++served;
                if (count > 0 && served >= count)
                    run.finish(ExitOk);
            });
    });
}

// ------------------------------------------------------------------------------------------------
// meta / sessions / kill: the WAMP meta API of any router that offers it

List idList(const QList<quint64> &ids)
{
    List out;
    for (quint64 id : ids)
        out.append(id);
    return out;
}

int runMeta(const QStringList &arguments)
{
    const bool shortcut = arguments.value(1) == u"sessions";
    QCommandLineParser p;
    p.setApplicationDescription(s("List the sessions, subscriptions or registrations of the realm through the WAMP meta API\n"
                                  "(wamp.session.list + get, wamp.subscription.list + get + list_subscribers,\n"
                                  "wamp.registration.list + get + list_callees): one JSON line per item. Works against any\n"
                                  "router that offers the meta API to this session. 'sessions' is short for 'meta sessions'."));
    addClientOptions(p);
    p.addPositionalArgument(shortcut ? s("sessions") : s("meta"), s("The command."));
    if (!shortcut)
        p.addPositionalArgument(s("WHAT"), s("sessions, subscriptions or registrations."));
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    const QString what = shortcut ? s("sessions") : pos.value(1);
    static const QStringList kinds{s("sessions"), s("subscriptions"), s("registrations")};
    if (pos.size() != (shortcut ? 1 : 2) || !kinds.contains(what)) {
        err(s("usage: wampscope-cli meta sessions|subscriptions|registrations (or: wampscope-cli sessions)"));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;

    ClientRun run(c);
    session::MetaClient meta(&run.session());
    auto onError = [&](const session::WampError &e) {
        printError(e);
        run.finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
    };
    return run.exec([&] {
        if (what == u"sessions") {
            meta.fetchSessions(
                [&](QList<Dict> list) {
                    std::sort(list.begin(), list.end(), [](const Dict &a, const Dict &b) {
                        return a.value(s("session")).toUInt64() < b.value(s("session")).toUInt64();
                    });
                    for (const Dict &d : std::as_const(list))
                        out(jsonLine(d));
                    run.finish(ExitOk);
                },
                onError);
        } else if (what == u"subscriptions") {
            meta.fetchSubscriptions(
                [&](const QList<session::MetaSubscription> &list) {
                    for (const session::MetaSubscription &m : list)
                        out(jsonLine(Dict{{s("id"), m.id}, {s("uri"), m.uri}, {s("match"), m.match},
                                          {s("created"), m.created}, {s("subscribers"), idList(m.subscribers)}}));
                    run.finish(ExitOk);
                },
                onError);
        } else {
            meta.fetchRegistrations(
                [&](const QList<session::MetaRegistration> &list) {
                    for (const session::MetaRegistration &m : list)
                        out(jsonLine(Dict{{s("id"), m.id}, {s("uri"), m.uri}, {s("match"), m.match},
                                          {s("invoke"), m.invoke}, {s("created"), m.created},
                                          {s("callees"), idList(m.callees)}}));
                    run.finish(ExitOk);
                },
                onError);
        }
    });
}

int runKill(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Kill SESSION_ID through wamp.session.kill: the router sends it GOODBYE with the reason.\n"
                                  "Prints {\"killed\":SESSION_ID}. A WAMP error (e.g. wamp.error.no_such_session) exits 1."));
    addClientOptions(p);
    p.addPositionalArgument(s("kill"), s("The command."));
    p.addPositionalArgument(s("SESSION_ID"), s("The session to kill."));
    p.addOption({s("reason"), s("GOODBYE reason URI (the router's default: wamp.close.killed)."), s("URI")});
    p.addOption({s("message"), s("Message for the killed session."), s("TEXT")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    bool ok = false;
    const quint64 id = pos.value(1).toULongLong(&ok);
    if (pos.size() != 2 || !ok || !isValidId(id)) {
        err(s("usage: wampscope-cli kill SESSION_ID [--reason URI] [--message TEXT] (SESSION_ID: 1..2^53)"));
        return ExitUsage;
    }
    const QString reason = p.value(s("reason"));
    if (!reason.isEmpty() && !isValidUri(reason)) {
        err(s("invalid --reason URI: ") + uriProblem(reason));
        return ExitUsage;
    }
    ClientCommon c;
    if (int rc = parseClientCommon(p, c); rc != ExitOk)
        return rc;
    ClientRun run(c);
    session::MetaClient meta(&run.session());
    return run.exec([&] {
        meta.killSession(
            id, reason, p.value(s("message")),
            [&] {
                out(jsonLine(Dict{{s("killed"), id}}));
                run.finish(ExitOk);
            },
            [&](const session::WampError &e) {
                printError(e);
                run.finish(e.uri == session::kSessionLost ? ExitConnection : ExitWampError);
            });
    });
}

// ------------------------------------------------------------------------------------------------
// keygen, scram-hash: credentials for the router config, no connection

int runKeygen(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Create a new Ed25519 key pair for WAMP-cryptosign and print it as one JSON line:\n"
                                  "  {\"private_key\": <64 hex seed>, \"public_key\": <64 hex>}\n"
                                  "With --output the private key goes only into FILE (mode 0600; never overwritten) and the\n"
                                  "line is {\"public_key\": ..., \"private_key_file\": FILE}. Put the public key into the router\n"
                                  "config (users[].authorized_keys); connect with --private-key-file FILE."));
    p.addHelpOption();
    p.addPositionalArgument(s("keygen"), s("The command."));
    p.addOption({{s("o"), s("output")}, s("Write the private key file here (tagged format, see README)."), s("FILE")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    if (p.positionalArguments().size() != 1) {
        err(s("keygen takes no arguments"));
        return ExitUsage;
    }
    const auth::Ed25519KeyPair key = auth::generateEd25519KeyPair();
    const QString pub = QString::fromLatin1(key.publicKey.toHex());
    if (p.isSet(s("output"))) {
        const Status written = auth::writePrivateKeyFile(p.value(s("output")), key);
        if (!written) {
            err(written.errorString());
            return ExitUsage;
        }
        out(jsonLine(Dict{{s("public_key"), pub}, {s("private_key_file"), p.value(s("output"))}}));
        return ExitOk;
    }
    out(jsonLine(Dict{{s("private_key"), QString::fromLatin1(key.seed.toHex())}, {s("public_key"), pub}}));
    return ExitOk;
}

int runScramHash(const QStringList &arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription(s("Derive WAMP-SCRAM credentials from a password and print the router config users entry\n"
                                  "as one JSON line (salt, stored_key, server_key: the password itself is not in it).\n"
                                  "The password comes from PASSWORD, else WAMPSCOPE_SECRET, else one line of stdin."));
    p.addHelpOption();
    p.addPositionalArgument(s("scram-hash"), s("The command."));
    p.addPositionalArgument(s("PASSWORD"), s("The password (prefer WAMPSCOPE_SECRET or stdin)."), s("[PASSWORD]"));
    p.addOption({s("kdf"), s("argon2id-13 (alias argon2id; default) or pbkdf2."), s("KDF"), s("argon2id-13")});
    p.addOption({s("iterations"), s("KDF cost: argon2id passes (default 2) or pbkdf2 rounds (default 100000)."), s("N")});
    p.addOption({s("memory"), s("argon2id memory in KiB (default 65536)."), s("KIB")});
    p.addOption({s("salt"), s("Salt, base64 (default: 16 random bytes)."), s("BASE64")});
    p.addOption({s("authid"), s("Put this authid into the entry."), s("ID")});
    p.addOption({s("authrole"), s("Put this authrole into the entry."), s("ROLE")});
    if (auto rc = parseOrHelp(p, arguments))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() > 2) {
        err(s("scram-hash takes at most one PASSWORD"));
        return ExitUsage;
    }
    QString kdf = p.value(s("kdf"));
    if (kdf == u"argon2id")
        kdf = auth::kScramKdfArgon2id;
    if (kdf != auth::kScramKdfArgon2id && kdf != auth::kScramKdfPbkdf2) {
        err(s("--kdf must be argon2id-13 or pbkdf2, got '%1'").arg(kdf));
        return ExitUsage;
    }
    auth::ScramParams params = auth::defaultScramParams(kdf);
    for (const auto &[name, field] : {std::pair{s("iterations"), &params.iterations}, std::pair{s("memory"), &params.memory}}) {
        if (!p.isSet(name))
            continue;
        bool ok = false;
        *field = p.value(name).toInt(&ok);
        if (!ok || *field <= 0) {
            err(s("--%1 must be a positive number").arg(name));
            return ExitUsage;
        }
    }
    if (p.isSet(s("memory")) && kdf != auth::kScramKdfArgon2id) {
        err(s("--memory is only used with --kdf argon2id-13"));
        return ExitUsage;
    }
    if (p.isSet(s("salt")))
        params.salt = p.value(s("salt"));
    const Status valid = auth::checkScramParams(params);
    if (!valid) {
        err(valid.errorString());
        return ExitUsage;
    }
    QString password = pos.size() == 2 ? pos.at(1) : qEnvironmentVariable("WAMPSCOPE_SECRET");
    if (pos.size() < 2 && password.isEmpty()) {
        QTextStream in(stdin);
        password = in.readLine();
    }
    if (password.isEmpty()) {
        err(s("scram-hash needs a password: PASSWORD, WAMPSCOPE_SECRET or a line on stdin"));
        return ExitUsage;
    }
    const auto keys = auth::scramDeriveKeys(password, params);
    if (!keys) {
        err(keys.errorString());
        return ExitUsage;
    }
    Dict entry{{s("authmethod"), s("scram")},
               {s("kdf"), params.kdf},
               {s("salt"), params.salt},
               {s("iterations"), qint64(params.iterations)},
               {s("stored_key"), QString::fromLatin1(keys->storedKey.toHex())},
               {s("server_key"), QString::fromLatin1(keys->serverKey.toHex())}};
    if (kdf == auth::kScramKdfArgon2id)
        entry.insert(s("memory"), qint64(params.memory));
    if (p.isSet(s("authid")))
        entry.insert(s("authid"), p.value(s("authid")));
    if (p.isSet(s("authrole")))
        entry.insert(s("authrole"), p.value(s("authrole")));
    out(jsonLine(entry));
    return ExitOk;
}

} // namespace

int run(QCoreApplication &app)
{
    const QStringList args = app.arguments();
    if (args.size() < 2 || args.at(1) == u"--help" || args.at(1) == u"-h" || args.at(1) == u"help") {
        fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? ExitUsage : ExitOk;
    }
    if (args.at(1) == u"--version") {
        out(s("wampscope-cli ") + QCoreApplication::applicationVersion());
        return ExitOk;
    }
    const QString command = args.at(1);
    if (command == u"router")
        return runRouterCommand(args);
    if (command == u"call")
        return runCall(args);
    if (command == u"publish")
        return runPublish(args);
    if (command == u"subscribe")
        return runSubscribe(args);
    if (command == u"register")
        return runRegister(args);
    if (command == u"meta" || command == u"sessions")
        return runMeta(args);
    if (command == u"kill")
        return runKill(args);
    if (command == u"keygen")
        return runKeygen(args);
    if (command == u"scram-hash")
        return runScramHash(args);
    err(s("wampscope-cli: unknown command '%1'\n").arg(command) + QString::fromUtf8(kUsage));
    return ExitUsage;
}

} // namespace wb::cli
