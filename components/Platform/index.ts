export { Platform, type PlatformArgs } from "./Platform";
