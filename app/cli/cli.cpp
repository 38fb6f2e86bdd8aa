// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli.h"
namespace wb::cli {
int run(QCoreApplication &) { return 2; }
}
