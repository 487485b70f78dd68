#!/bin/sh
# Entrypoint of the shipper image, a drop-in for the fluent/fluentd image's entrypoint:
# - /etc/default/fluentd is sourced (exported) when readable;
# - a first argument that is a flag means "fluentd <flags>";
# - for the fluentd/shipper command, --config /fluentd/etc/$FLUENTD_CONF and
#   --plugin /fluentd/plugins are added unless the arguments already name them;
# - FLUENTD_OPT (extra flags set by older manifests) is appended, split on spaces;
# - shipper's health endpoint (/api/health, /api/ready, for `shipper status --check-live` and
#   `--check-ready` exec probes) is served on SHIPPER_HEALTH_ENDPOINT, default 127.0.0.1:24221;
#   set it empty (or to "off") to serve none. An explicit --health-endpoint argument wins.
# FLUENTD_ETC_DIR and FLUENTD_PLUGIN_DIR exist so the script can be tested outside the image.
set -e

if [ -r /etc/default/fluentd ]; then
  set -a
  . /etc/default/fluentd
  set +a
fi

etc_dir="${FLUENTD_ETC_DIR:-/fluentd/etc}"
plugin_dir="${FLUENTD_PLUGIN_DIR:-/fluentd/plugins}"

if [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then
  set -- fluentd "$@"
fi

if [ "$1" = "fluentd" ] || [ "$1" = "shipper" ]; then
  command_name="$1"
  shift
  has_config=no
  has_plugin=no
  has_health=no
  for arg in "$@"; do
    case "$arg" in
      -c|-c*|--config|--config=*) has_config=yes ;;
      -p|-p*|--plugin|--plugin=*) has_plugin=yes ;;
      --health-endpoint|--health-endpoint=*) has_health=yes ;;
    esac
  done
  if [ "$has_config" = no ]; then
    set -- "$@" --config "$etc_dir/${FLUENTD_CONF:-fluent.conf}"
  fi
  if [ "$has_plugin" = no ]; then
    set -- "$@" --plugin "$plugin_dir"
  fi
  health="${SHIPPER_HEALTH_ENDPOINT-127.0.0.1:24221}"
  if [ "$has_health" = no ] && [ -n "$health" ] && [ "$health" != off ]; then
    set -- "$@" --health-endpoint "$health"
  fi
  if [ -n "${FLUENTD_OPT:-}" ]; then
    # Intentionally unquoted: FLUENTD_OPT holds several flags.
    # shellcheck disable=SC2086
    set -- "$@" $FLUENTD_OPT
  fi
  set -- "$command_name" "$@"
fi

exec "$@"
