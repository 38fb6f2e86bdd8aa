// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
#include <QCoreApplication>
namespace wb::cli {
/// Parse the command line and run the chosen subcommand; returns the process exit code.
int run(QCoreApplication &app);
}
