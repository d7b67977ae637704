#!/bin/sh
# Start ESPv1 in front of the local backend.
set -e
docker network create esp_net || true
docker run --detach --name=esp \
    --publish=80:8080 \
    --net=esp_net \
    gcr.io/endpoints-release/endpoints-runtime:1 \
    --service=echo.endpoints.my-project.cloud.goog \
    --rollout_strategy=managed \
    --backend=echo:8080
echo "started"
