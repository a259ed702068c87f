# Sourced by scripts/start and scripts/test: create .venv and install a requirements file when it changed.
ensure_venv() {
  local requirements=$1 stamp
  [[ -x .venv/bin/python ]] || python3 -m venv .venv
  stamp=".venv/.installed-$(cat requirements*.txt | sha256sum | cut -c1-16)-$requirements"
  if [[ ! -f $stamp ]]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r "$requirements"
    touch "$stamp"
  fi
}
