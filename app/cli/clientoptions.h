// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The options every client command shares (router URL, TLS trust, realm, serializer, authentication, --profile)
// and the small parsers of command-specific flags. Each parser prints its own message on stderr and reports
// failure; the command then exits with ExitUsage.

#include "session/session.h"
#include "transport/transport.h"
#include "wamp/value.h"

#include <QCommandLineParser>
#include <QStringList>

#include <optional>

namespace wb::cli {

struct ClientCommon
{
    transport::ConnectOptions connect;
    session::SessionOptions session;
    wamp::Dict options; ///< --option KEY=VALUE pass-through
    bool verbose = false;
};

/// --help and the shared client options, in the order the help text shows them.
void addClientOptions(QCommandLineParser &p);

/// Parse \a arguments; a usage error or --help yields the exit code to return at once.
std::optional<int> parseOrHelp(QCommandLineParser &p, const QStringList &arguments);

/// Parse the options every client command shares, with --profile NAME as the base that explicit flags override.
/// Returns ExitOk or an exit code.
int parseClientCommon(QCommandLineParser &p, ClientCommon &c);

/// KEY=VALUE items (VALUE parsed as JSON when valid) into \a into; \a flag names the option in messages.
bool parseKeyValues(const QStringList &items, wamp::Dict &into, const QString &flag);

/// PROCEDURE/TOPIC (positional 1, a valid URI), ARGs (positional 2..) and --kwarg pairs of call and publish.
bool parseTarget(const QCommandLineParser &p, const QString &noun, QString &uri, wamp::List &args, wamp::Dict &kwargs);

/// --count N: 0 when absent; false (after a message) when not a positive number.
bool parseCount(const QCommandLineParser &p, int &count);
/// --NAME SECONDS (a positive number) as milliseconds; 0 when absent.
bool parseSeconds(const QCommandLineParser &p, const QString &name, int &ms);
/// --NAME MS (an integer >= \a min) in milliseconds; -1 when absent.
bool parseMillis(const QCommandLineParser &p, const QString &name, int &ms, int min = 0);
/// --NAME A,B,C into options[KEY] as a list: session IDs (integers) or strings.
bool parseListOption(const QCommandLineParser &p, const QString &name, const QString &key, bool ids, wamp::Dict &options);

} // namespace wb::cli
