// SPDX-License-Identifier: GPL-3.0-or-later
// PLACEHOLDER until the pcapng writer lands (replaced by its owner).
#include "capture/formats/formats.h"
namespace wb::capture::formats {
std::unique_ptr<CaptureWriter> createPcapngWriter() { return {}; }
bool looksPcapng(const QByteArray &) { return false; }
}
