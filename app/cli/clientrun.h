// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What every client command does around its own work. ClientCommand is the opening (help, positional check,
// the shared client options); ClientRun connects, joins, runs the command's work, and turns session loss,
// connect timeouts and Ctrl+C into the documented exit codes.

#include "clientoptions.h"

#include "session/session.h"

#include <QCommandLineParser>
#include <QTimer>

#include <functional>
#include <optional>

namespace wb::cli {

class ClientCommand
{
public:
    /// A parser with \a description and the shared client options; the command adds its positionals and options.
    explicit ClientCommand(const QString &description);

    QCommandLineParser &parser() { return m_parser; }
    const QStringList &positionals() const { return m_positionals; }
    ClientCommon &common() { return m_common; }

    /// --help and parse errors, then the positionals (\a positionalsOk false: \a usage on stderr, exit 2), then
    /// the shared client options. std::nullopt: go on; otherwise the exit code to return.
    std::optional<int> parse(const QStringList &arguments, const std::function<bool(const QStringList &)> &positionalsOk,
                             const QString &usage);
    /// The same with "at least \a min, at most \a max (-1: any number) positionals".
    std::optional<int> parse(const QStringList &arguments, qsizetype min, qsizetype max, const QString &usage);

    /// The steps of parse() one by one, for a command that checks more between them.
    std::optional<int> parseArguments(const QStringList &arguments);
    std::optional<int> parseClientOptions();

    /// PROCEDURE/TOPIC, ARGs and --kwarg pairs (call, publish); false after a message.
    bool parseTarget(const QString &noun, QString &uri, wamp::List &args, wamp::Dict &kwargs) const;

private:
    QCommandLineParser m_parser;
    QStringList m_positionals;
    ClientCommon m_common;
};

/// Connects, joins, runs the command's work, and turns session loss into exit code 3.
class ClientRun
{
public:
    explicit ClientRun(const ClientCommon &c);
    Q_DISABLE_COPY_MOVE(ClientRun)

    session::Session &session() { return m_session; }

    /// Open the session, call \a onJoined once joined, run the event loop; returns the exit code.
    int exec(std::function<void()> onJoined);

    /// Leave politely (GOODBYE), then exit with \a code.
    void finish(int code);

    /// A request failed: print the error, exit 3 when the session is gone, else 1.
    void fail(const session::WampError &e);

private:
    ClientCommon m_common;
    session::Session m_session;
    QTimer m_connectTimer;
    bool m_done = false;
    int m_exitCode = 0;
};

} // namespace wb::cli
