#!/usr/bin/env bash
# Install the system packages e-Cabinet needs, only when something is missing.
# WeasyPrint needs Pango; the PDF tools check our output; Chromium runs the
# browser tests; gettext compiles the translations; SoftHSM2 is the PKCS#11 token;
# LibreOffice converts Word papers to PDF; PyICU (Vietnamese collation of names) is built
# by pip against libicu-dev, found through pkg-config, with a C++ compiler.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

have_lib libpango-1.0.so || need+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
# Liberation 2 carries the Vietnamese letters (ơ, ư, ạ, ệ…); version 1 falls back to DejaVu.
[ -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ] || need+=(fonts-liberation2)
have_cmd pdftoppm || need+=(poppler-utils)
have_cmd qpdf || need+=(qpdf)
have_cmd msgfmt || need+=(gettext)
have_cmd chromium || need+=(chromium)
have_cmd softhsm2-util || need+=(softhsm2)
have_cmd certutil || need+=(libnss3-tools)
# Word papers (.docx) are converted to PDF for reading on tablets.
have_cmd soffice || need+=(libreoffice-writer-nogui)
# nginx: the reverse proxy of the production layout (scripts/prod-local.sh).
have_cmd nginx || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
# PyICU has no wheels: pip compiles it, so these come before `pip install`.
have_cmd pkg-config || need+=(pkg-config)
have_cmd c++ || need+=(g++)
pkg-config --exists icu-i18n 2>/dev/null || need+=(libicu-dev)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "Missing system packages: ${need[*]}" >&2
    echo "Install them with: sudo apt-get install ${need[*]}" >&2
    exit 1
fi

echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# Installed packages start no service of their own (nginx would take port 80): the
# project starts what it needs on ports of its own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
