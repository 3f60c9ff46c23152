// An ES module program that uses a provider kept in a CommonJS file (platform-provider.cjs).
import * as pulumi from "@pulumi/pulumi";
import { platformProvider } from "./platform-provider.cjs";

export const platform = new pulumi.dynamic.Resource(platformProvider, "platform", { platform: undefined }).platform;
