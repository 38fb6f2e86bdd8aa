// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The entry points of wb_cli: wampscope-cli's main() calls run(); the GUI calls runRouterCommand() when it finds
// no display (app/main.cpp). The commands themselves: commands/commands.h and the table in cli.cpp.

#include <QCoreApplication>
#include <QStringList>

namespace wb::cli {
/// Parse the command line and run the chosen subcommand; returns the process exit code.
int run(QCoreApplication &app);
/// `router` subcommand (also used by the GUI when no display is available). \a arguments[1] is "router".
int runRouterCommand(const QStringList &arguments);
} // namespace wb::cli
