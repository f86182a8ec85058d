#!/usr/bin/env bash
# Turns the Makefile's VERSION (scripts/version.sh: the latest vX.Y.Z tag
# through git describe, or 0.1.0-dev+<sha>) into a package version that
# dpkg and rpm both accept and order the right way:
#
#   v1.2.3                1.2.3
#   v1.2.3-rc.1           1.2.3~rc.1             (before 1.2.3)
#   v1.2.3-4-gabc1234     1.2.3+git4.gabc1234    (4 commits after v1.2.3)
#   0.1.0-dev+abc1234     0.1.0~dev+abc1234      (no tag yet; before 0.1.0)
#   abc1234               0.1.0~dev+gabc1234     (a bare commit, as git describe --always gives)
#   <any>-dirty           <as above>+dirty, or .dirty after a +
#   dev, empty            0.1.0~dev
#
# A version must start with a digit for dpkg and may not contain '-' for rpm.
set -euo pipefail

in=${1:-dev}
dirty=
if [[ $in == *-dirty ]]; then
  dirty=1
  in=${in%-dirty}
fi
in=${in#v}

semver='([0-9]+(\.[0-9]+){0,2})(-([0-9A-Za-z.]+))?'
build='(\+([0-9A-Za-z.]+))?'
if [[ $in =~ ^[0-9a-f]{7,40}$ ]]; then
  # an abbreviated commit hash (no tag yet), even one of digits only
  out=0.1.0~dev+g$in
elif [[ $in =~ ^${semver}-([0-9]+)-g([0-9a-f]+)$ ]]; then
  pre=${BASH_REMATCH[4]}
  out=${BASH_REMATCH[1]}${pre:+~$pre}+git${BASH_REMATCH[5]}.g${BASH_REMATCH[6]}
elif [[ $in =~ ^${semver}${build}$ ]]; then
  pre=${BASH_REMATCH[4]}
  meta=${BASH_REMATCH[6]}
  out=${BASH_REMATCH[1]}${pre:+~$pre}${meta:++$meta}
elif [[ $in == dev || -z $in ]]; then
  out=0.1.0~dev
else
  out=0.1.0~dev+$(printf '%s' "$in" | tr -c 'A-Za-z0-9.' '.')
fi
if [[ -n $dirty ]]; then
  if [[ $out == *+* ]]; then out=$out.dirty; else out=$out+dirty; fi
fi
printf '%s\n' "$out"
