// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <QCoreApplication>
#include <QStringList>
namespace wb::cli {
/// Parse the command line and run the chosen subcommand; returns the process exit code.
int run(QCoreApplication &app);
/// `router` subcommand (also used by the GUI when no display is available). \a arguments[1] is "router".
int runRouterCommand(const QStringList &arguments);
}
